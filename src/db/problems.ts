// What a person should fix when the database in DATABASE_URL cannot be used: one line each, for
// the CLI (src/cli.ts) to print instead of a driver's stack trace.
import { statSync } from "node:fs";
import { databaseProvider, sqliteFilePath } from "./provider.js";

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
};

const messageOf = (error: unknown): string => String((error as Error | null)?.message ?? "");

const isDirectory = (file: string) => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
};

/** One line saying what to change, or null when the error is not a known database problem. */
export function databaseProblem(error: unknown, url: string): string | null {
  let provider: ReturnType<typeof databaseProvider>;
  try {
    provider = databaseProvider(url);
  } catch {
    return null;
  }
  const code = codeOf(error);
  const message = messageOf(error);
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    if (isDirectory(file))
      return `DATABASE_URL points to a directory (${file}): name a file in it, e.g. file:${file.replace(/\/$/, "")}/cadence.db.`;
    if (code === "SQLITE_READONLY" || /readonly database|read-only/i.test(message))
      return `The database file ${file} is read-only: let the user running Cadence write to it and to its directory.`;
    if (code === "SQLITE_CANTOPEN" || /unable to open database file/i.test(message))
      return `Cannot open the database file ${file}: check that its directory exists and Cadence may write there.`;
    if (code === "EACCES" || code === "EROFS" || code === "EPERM")
      return `Cadence may not write ${file}: let the user running Cadence write to it and to its directory.`;
    return null;
  }
  const unreachable = [
    "ECONNREFUSED",
    "ENOTFOUND",
    "EHOSTUNREACH",
    "ETIMEDOUT",
    "EAI_AGAIN",
    "P1001",
  ];
  if (unreachable.includes(code) || /can't reach database server/i.test(message)) {
    const { hostname, port } = new URL(url);
    return `Cannot reach PostgreSQL at ${hostname}:${port || 5432}: check that it is running and that DATABASE_URL names the right host and port.`;
  }
  if (code === "28P01" || code === "28000" || code === "P1000")
    return "PostgreSQL refused the user or password in DATABASE_URL: check them.";
  if (code === "3D000" || code === "P1003")
    return "The database named in DATABASE_URL does not exist: create it (createdb) or fix its name.";
  return null;
}
