// Files in Slack: downloading one a user shared (with the bot token, streamed to disk so a large
// export never sits in memory) and the shape files.info describes it with.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";

export const SlackFileSchema = z.object({
  id: z.string(),
  name: z.string().default("file"),
  filetype: z.string().default(""),
  size: z.number().int().nonnegative(),
  url_private_download: z.string().url(),
});
export type SlackFile = z.infer<typeof SlackFileSchema>;

export class FileDownloadError extends Error {}

/**
 * Downloads a shared file into a temporary directory and runs `work` on its path; the copy is
 * deleted afterwards, whatever happens.
 */
export async function withDownloadedFile<T>(
  file: SlackFile,
  botToken: string,
  maxBytes: number,
  work: (filePath: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "cadence-upload-"));
  try {
    const response = await fetch(file.url_private_download, {
      headers: { authorization: `Bearer ${botToken}` },
    });
    // Without a valid token (or the files:read scope) Slack answers 200 with a sign-in page.
    if (
      !response.ok ||
      !response.body ||
      /text\/html/.test(response.headers.get("content-type") ?? "")
    )
      throw new FileDownloadError(
        `Slack did not hand over ${file.name} (HTTP ${response.status}). Check that the app has the files:read scope.`,
      );
    const target = path.join(dir, "upload.csv");
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(
          received > maxBytes
            ? new FileDownloadError(`${file.name} is larger than ${maxBytes} bytes.`)
            : null,
          chunk,
        );
      },
    });
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      limit,
      createWriteStream(target),
    );
    return await work(target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
