// Downloading a file shared in Slack from a server that misbehaves: it closes early, hangs, sends
// too much or sends a sign-in page. Each fails with a message a person can act on, the process
// lives on, and no temporary file is left behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FileDownloadError,
  removeDownloads,
  removeStaleDownloads,
  withDownloadedFile,
  type SlackFile,
} from "../../src/slack/files.js";

const CSV = "id,mql_at\nL-1,2026-11-16T09:00:00Z\n";

type Behaviour = (res: ServerResponse) => void;
const behaviours: Record<string, Behaviour> = {
  whole: (res) => res.writeHead(200, { "content-type": "text/csv" }).end(CSV),
  "closes right after the body": (res) => {
    res.writeHead(200, { "content-type": "text/csv", "content-length": String(CSV.length) });
    res.end(CSV, () => res.socket?.destroy());
  },
  "closes early": (res) => {
    res.writeHead(200, { "content-type": "text/csv", "content-length": String(CSV.length * 10) });
    res.write(CSV, () => res.socket?.destroy());
  },
  hangs: (res) => {
    res.writeHead(200, { "content-type": "text/csv" });
    res.write(CSV);
  },
  "sends too much": (res) => {
    res.writeHead(200, { "content-type": "text/csv" });
    res.end(CSV.repeat(100));
  },
  "announces too much": (res) => {
    res.writeHead(200, { "content-type": "text/csv", "content-length": "10000000" });
    res.write(CSV);
  },
  "sends html": (res) =>
    res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>"),
  redirects: (res) => res.writeHead(302, { location: "/whole" }).end(),
  "fails on its side": (res) => res.writeHead(503).end("Service Unavailable"),
};

const uploadDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith("cadence-upload-"));

describe("downloading a shared file", () => {
  let server: Server;
  let base = "";
  const tokens: Array<string | undefined> = [];
  const file = (behaviour: string): SlackFile => ({
    id: "F1",
    name: "leads.csv",
    filetype: "csv",
    size: CSV.length,
    url_private_download: `${base}/${encodeURIComponent(behaviour)}`,
  });
  const download = (behaviour: string, timeoutMs = 2_000) =>
    withDownloadedFile(file(behaviour), "xoxb-test", { maxBytes: 1_000, timeoutMs }, (filePath) =>
      Promise.resolve(readFileSync(filePath, "utf8")),
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      tokens.push(req.headers.authorization);
      behaviours[decodeURIComponent((req.url ?? "").slice(1))]!(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("streams the file to a temporary path with the bot token, following a redirect", async () => {
    expect(await download("whole")).toBe(CSV);
    expect(await download("redirects")).toBe(CSV);
    expect(tokens.at(-1)).toBe("Bearer xoxb-test");
  });

  it("takes a body whose connection closes right after it", async () => {
    expect(await download("closes right after the body")).toBe(CSV);
  });

  it.each([
    ["closes early", "broke off before the whole file arrived"],
    ["hangs", "did not finish sending leads.csv within 1 seconds"],
    ["sends too much", "leads.csv is larger than 1 KB"],
    ["announces too much", "leads.csv is larger than"],
    ["sends html", "Check that the app has the files:read scope"],
    ["fails on its side", "could not send leads.csv just now (HTTP 503). Try sharing it again"],
  ])("fails clearly when the server %s, leaving no temporary file", async (behaviour, message) => {
    const before = uploadDirs();
    const failure = await download(behaviour, 1_000).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FileDownloadError);
    expect((failure as Error).message).toContain(message);
    expect(uploadDirs().filter((dir) => !before.includes(dir))).toEqual([]);
  });

  it("removes at start the downloads of a process that was killed, and only those", () => {
    const killed = mkdtempSync(path.join(tmpdir(), "cadence-upload-2147483646-"));
    writeFileSync(path.join(killed, "upload.csv"), CSV);
    const ours = mkdtempSync(path.join(tmpdir(), `cadence-upload-${process.pid}-`));
    try {
      expect(removeStaleDownloads()).toContain(killed);
      expect(existsSync(killed)).toBe(false);
      expect(existsSync(ours)).toBe(true);
    } finally {
      rmSync(ours, { recursive: true, force: true });
    }
  });

  it("removes a download still in use when the process shuts down", async () => {
    const used = await withDownloadedFile(
      file("whole"),
      "xoxb-test",
      { maxBytes: 1_000 },
      (filePath) => {
        expect(existsSync(filePath)).toBe(true);
        removeDownloads();
        return Promise.resolve(filePath);
      },
    );
    expect(existsSync(used)).toBe(false);
  });
});
