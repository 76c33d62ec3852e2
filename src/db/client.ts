// Opens Prisma on the right driver adapter. Both generated clients come from schemas with the same
// models (a test keeps them in step), so the rest of the code uses one `Db` type for both.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "./generated/postgres/client.js";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "./provider.js";

export type Db = SqliteClient;

export interface Database {
  db: Db;
  provider: DatabaseProvider;
  /** The DATABASE_URL it was opened with (bulk writes reach the driver directly). */
  url: string;
  /** Per-connection settings; call once after opening. */
  configure(): Promise<void>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long SQLite waits for another connection's write lock before giving up, in ms. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export function openDatabase(url: string): Database {
  const provider = databaseProvider(url);
  const db: Db =
    provider === "sqlite"
      ? new SqliteClient({ adapter: sqliteAdapter(url) })
      : (new PostgresClient({
          adapter: new PrismaPg({ connectionString: url }),
        }) as unknown as Db);
  return {
    db,
    provider,
    url,
    async configure() {
      // WAL is set by the migration runner; NORMAL sync is safe with WAL (a power cut can lose
      // the last commits, never corrupt the file) and spares an fsync per commit.
      if (provider === "sqlite") await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    },
    async ping() {
      await db.$queryRawUnsafe("SELECT 1");
    },
    async close() {
      await db.$disconnect();
    },
  };
}

function sqliteAdapter(url: string): PrismaBetterSQLite3 {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  return new PrismaBetterSQLite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS });
}
