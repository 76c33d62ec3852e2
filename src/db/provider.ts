// Which database a DATABASE_URL names. SQLite is the embedded default; PostgreSQL serves replicas.
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgres";

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error("DATABASE_URL must be file:<path> or postgresql://…");
}

/** The SQLite file a `file:` URL points at, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const location = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return location === ":memory:" ? location : path.resolve(location);
}
