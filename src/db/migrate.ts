// Applies prisma/<provider>/migrations at start-up and from `cadence migrate`.
// Prisma 6.19 cannot run `migrate deploy` against PostgreSQL offline (prisma/orm#27403), so this
// small runner does it, recording each migration in Prisma's own `_prisma_migrations` table and
// format so the Prisma CLI and this runner agree on what is applied. Concurrent starts are safe:
// PostgreSQL serialises on Prisma's advisory lock, SQLite on an IMMEDIATE (write) transaction.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "./provider.js";

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of migration.sql, hex: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** The advisory lock key Prisma Migrate itself takes, so the CLI and this runner exclude each other. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export function defaultMigrationsDir(provider: DatabaseProvider): string {
  // dist/db/migrate.js and src/db/migrate.ts both sit two levels under the project root.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
  return path.join(root, "prisma", provider, "migrations");
}

export function readMigrations(directory: string): Migration[] {
  if (!existsSync(directory)) throw new Error(`No migrations folder at ${directory}`);
  return readdirSync(directory, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && existsSync(path.join(directory, entry.name, "migration.sql")),
    )
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Which migrations still have to run, refusing to go on past a failed one (as Prisma does, P3009). */
export function pendingMigrations(all: Migration[], applied: AppliedRow[]): Migration[] {
  const failed = applied.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier and was never finished. Fix the database, ` +
        `then mark it rolled back (prisma migrate resolve --rolled-back ${failed.migration_name}).`,
    );
  }
  const done = new Set(
    applied
      .filter((row) => row.finished_at !== null && row.rolled_back_at === null)
      .map((row) => row.migration_name),
  );
  return all.filter((migration) => !done.has(migration.name));
}

export async function migrateDatabase(
  url: string,
  migrationsDir = defaultMigrationsDir(databaseProvider(url)),
): Promise<MigrationReport> {
  const migrations = readMigrations(migrationsDir);
  return databaseProvider(url) === "sqlite"
    ? migrateSqlite(sqliteFilePath(url), migrations)
    : migratePostgres(url, migrations);
}

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Prisma's own SQLite engine writes instants as RFC 3339 text with an explicit offset. */
const prismaTimestamp = (): string => new Date().toISOString().replace("Z", "+00:00");

function migrateSqlite(file: string, migrations: Migration[]): MigrationReport {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file, { timeout: 30_000 });
  try {
    // WAL lets the bot read while an import writes; the setting is kept in the file.
    sqlite.pragma("journal_mode = WAL");
    const run = sqlite.transaction(() => {
      sqlite.exec(SQLITE_MIGRATIONS_TABLE);
      const applied = sqlite
        .prepare(
          'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
        )
        .all() as AppliedRow[];
      const pending = pendingMigrations(migrations, applied);
      for (const migration of pending) {
        const id = randomUUID();
        sqlite
          .prepare(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)',
          )
          .run(id, migration.checksum, migration.name, prismaTimestamp());
        sqlite.exec(migration.sql);
        sqlite
          .prepare(
            'UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?',
          )
          .run(prismaTimestamp(), id);
      }
      return {
        applied: pending.map((migration) => migration.name),
        alreadyApplied: migrations.filter((m) => !pending.includes(m)).map((m) => m.name),
      };
    });
    // IMMEDIATE takes the write lock up front: a second process waits here instead of racing.
    return run.immediate();
  } finally {
    sqlite.close();
  }
}

const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(POSTGRES_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const pending = pendingMigrations(migrations, rows);
    for (const migration of pending) {
      // Each migration and its record commit together: a failure leaves neither behind.
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, migration.checksum, migration.name],
        );
        await client.query(migration.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return {
      applied: pending.map((migration) => migration.name),
      alreadyApplied: migrations.filter((m) => !pending.includes(m)).map((m) => m.name),
    };
  } finally {
    await client
      .query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY])
      .catch(() => undefined);
    await client.end();
  }
}
