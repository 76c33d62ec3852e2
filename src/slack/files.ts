// Files in Slack: downloading one a user shared (with the bot token, streamed to a temporary file so
// a large export never sits in memory) and the shape files.info describes it with.
// node:http rather than fetch: undici once threw an uncatchable AssertionError when a server closed
// the connection right after the body, taking the whole process down mid-import.
import { createWriteStream, readdirSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";

export const SlackFileSchema = z.object({
  id: z.string(),
  name: z.string().default("file"),
  filetype: z.string().default(""),
  size: z.number().int().nonnegative(),
  url_private_download: z.string().url(),
});
export type SlackFile = z.infer<typeof SlackFileSchema>;

/** A download that failed in a way the person can act on; its message says what to do. */
export class FileDownloadError extends Error {}

export interface DownloadLimits {
  maxBytes: number;
  /** The whole download, from the request to the last byte. */
  timeoutMs?: number;
}

export const DOWNLOAD_TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 3;

/** Temporary directories in use, removed on every path: after the work, and when the process exits. */
const inUse = new Set<string>();

export function removeDownloads(): void {
  for (const dir of inUse) rmSync(dir, { recursive: true, force: true });
  inUse.clear();
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
};

/** At start: downloads left by a process that was killed mid-import (its pid is in the name). */
export function removeStaleDownloads(): string[] {
  const stale = readdirSync(tmpdir())
    .map((name) => ({ name, pid: Number(/^cadence-upload-(\d+)-/.exec(name)?.[1]) }))
    .filter(({ pid }) => pid > 0 && pid !== process.pid && !alive(pid))
    .map(({ name }) => path.join(tmpdir(), name));
  for (const dir of stale) rmSync(dir, { recursive: true, force: true });
  return stale;
}

let exitHookInstalled = false;

/**
 * Downloads a shared file into a temporary directory and runs `work` on its path; the copy is
 * deleted afterwards, whatever happens.
 */
export async function withDownloadedFile<T>(
  file: SlackFile,
  botToken: string,
  limits: DownloadLimits,
  work: (filePath: string) => Promise<T>,
): Promise<T> {
  if (!exitHookInstalled) {
    process.once("exit", removeDownloads);
    exitHookInstalled = true;
  }
  const dir = await mkdtemp(path.join(tmpdir(), `cadence-upload-${process.pid}-`));
  inUse.add(dir);
  try {
    const target = path.join(dir, "upload.csv");
    await download(file, botToken, target, limits);
    return await work(target);
  } finally {
    inUse.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function download(
  file: SlackFile,
  botToken: string,
  target: string,
  limits: DownloadLimits,
): Promise<void> {
  const timeoutMs = limits.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await get(file.url_private_download, botToken, abort.signal, MAX_REDIRECTS);
    checkResponse(file, response, limits.maxBytes);
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > limits.maxBytes ? tooLarge(file, limits.maxBytes) : null, chunk);
      },
    });
    await pipeline(response, cap, createWriteStream(target), { signal: abort.signal });
    const expected = Number(response.headers["content-length"] ?? NaN);
    if (Number.isFinite(expected) && received !== expected) throw cutShort(file);
  } catch (error) {
    if (error instanceof FileDownloadError) throw error;
    if (abort.signal.aborted)
      throw new FileDownloadError(
        `Slack did not finish sending ${file.name} within ${Math.round(timeoutMs / 1000)} seconds. Try sharing it again.`,
      );
    throw cutShort(file);
  } finally {
    clearTimeout(timer);
  }
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.ceil(bytes / 1024)} KB`;

const tooLarge = (file: SlackFile, maxBytes: number) =>
  new FileDownloadError(
    `${file.name} is larger than ${size(maxBytes)}. Split it into smaller files and share each one.`,
  );

const cutShort = (file: SlackFile) =>
  new FileDownloadError(
    `The download of ${file.name} from Slack broke off before the whole file arrived. Try sharing it again.`,
  );

function checkResponse(file: SlackFile, response: IncomingMessage, maxBytes: number): void {
  const status = response.statusCode ?? 0;
  // Without a valid token (or the files:read scope) Slack answers 200 with a sign-in page.
  if (status >= 500) {
    response.resume();
    throw new FileDownloadError(
      `Slack could not send ${file.name} just now (HTTP ${status}). Try sharing it again in a few minutes.`,
    );
  }
  if (status !== 200 || /text\/html/.test(response.headers["content-type"] ?? "")) {
    response.resume();
    throw new FileDownloadError(
      `Slack did not hand over ${file.name} (HTTP ${status}). Check that the app has the files:read scope.`,
    );
  }
  if (Number(response.headers["content-length"] ?? 0) > maxBytes) {
    response.resume();
    throw tooLarge(file, maxBytes);
  }
}

/** GET with the bot token, following Slack's redirects (the token goes only to the same host). */
function get(
  url: string,
  botToken: string | null,
  signal: AbortSignal,
  redirects: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    const headers: Record<string, string> = botToken ? { authorization: `Bearer ${botToken}` } : {};
    const request = client.get(target, { headers, signal }, (response) => {
      const location = response.headers.location;
      if (
        response.statusCode &&
        response.statusCode >= 300 &&
        response.statusCode < 400 &&
        location
      ) {
        response.resume();
        if (redirects === 0) return reject(new Error("too many redirects"));
        const next = new URL(location, target);
        const token = next.host === target.host ? botToken : null;
        return resolve(get(next.toString(), token, signal, redirects - 1));
      }
      resolve(response);
    });
    request.on("error", reject);
  });
}
