// Runs the real `cadence` command in a child process, as a self-hoster would, and reads its
// JSON log lines from stdout.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSX_LOADER = path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs");
const CLI = path.join(PROJECT_ROOT, "src", "cli.ts");

export interface CadenceProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the HTTP port once the process logs that it is running. */
  ready: Promise<number>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A working directory of its own, so no developer .env leaks into the test. */
export const freshWorkdir = (): string => mkdtempSync(path.join(tmpdir(), "cadence-cwd-"));

/** A Node.js older than the one required on this machine (e.g. the OS's 20), if there is one. */
export function olderNode(): string | undefined {
  const required = Number(readFileSync(path.join(PROJECT_ROOT, ".node-version"), "utf8"));
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).concat("/usr/bin")) {
    const candidate = path.join(dir, "node");
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" });
    if (Number(version.stdout.split(".")[0]) < required) return candidate;
  }
  return undefined;
}

export function runCadence(
  args: string[],
  env: Record<string, string>,
  cwd = freshWorkdir(),
  node = process.execPath,
): CadenceProcess {
  const child = spawn(node, ["--import", TSX_LOADER, CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const ready = new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        stdout.push(line);
        const port = /"msg":"Cadence is running \(HTTP on port (\d+)\)"/.exec(line)?.[1];
        if (port) resolve(Number(port));
      }
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`cadence exited with ${code}: ${stderr.join("")}${stdout.join("\n")}`)),
    );
  });
  ready.catch(() => undefined);
  return {
    child,
    stdout,
    stderr,
    ready,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
