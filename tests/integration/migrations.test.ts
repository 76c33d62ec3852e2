import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { defaultMigrationsDir, migrateDatabase, readMigrations } from "../../src/db/migrate.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const migrationRows = async (url: string) => {
  const database = openDatabase(url);
  try {
    return await database.db.$queryRawUnsafe<
      Array<{
        migration_name: string;
        checksum: string;
        finished_at: unknown;
        applied_steps_count: number | bigint;
      }>
    >(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
  } finally {
    await database.close();
  }
};

describeEachDatabase("migration runner", (provider) => {
  let database: TestDatabase;
  afterEach(() => database?.drop());

  it("applies every migration once, recording it as Prisma does", async () => {
    database = await createTestDatabase(provider);
    const expected = readMigrations(defaultMigrationsDir(provider));
    const first = await migrateDatabase(database.url);
    expect(first.applied).toEqual(expected.map((m) => m.name));
    const second = await migrateDatabase(database.url);
    expect(second).toEqual({ applied: [], alreadyApplied: expected.map((m) => m.name) });

    const rows = await migrationRows(database.url);
    expect(
      rows.map((row) => [row.migration_name, row.checksum, Number(row.applied_steps_count)]),
    ).toEqual(expected.map((m) => [m.name, m.checksum, 1]));
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);

    const opened = openDatabase(database.url);
    await opened.db.workspace.create({
      data: { slackTeamId: "T1", name: "Acme", timezone: "UTC", settings: { slaMinutes: 5 } },
    });
    expect(await opened.db.workspace.findUnique({ where: { slackTeamId: "T1" } })).toMatchObject({
      settings: { slaMinutes: 5 },
    });
    await opened.close();
  });

  it("applies migrations exactly once when several runners start together", async () => {
    database = await createTestDatabase(provider);
    const reports = await Promise.all([1, 2, 3, 4].map(() => migrateDatabase(database.url)));
    const appliedBy = reports.flatMap((report) => report.applied);
    const expected = readMigrations(defaultMigrationsDir(provider)).map((m) => m.name);
    expect(appliedBy.sort()).toEqual(expected.sort());
    expect((await migrationRows(database.url)).map((row) => row.migration_name)).toEqual(expected);
  });

  it("leaves nothing half-written when a migration fails, and says which one", async () => {
    database = await createTestDatabase(provider);
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-migrations-"));
    cpSync(defaultMigrationsDir(provider), dir, { recursive: true });
    mkdirSync(path.join(dir, "29990101000000_broken"));
    writeFileSync(
      path.join(dir, "29990101000000_broken", "migration.sql"),
      'CREATE TABLE "Half" ("id" INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;\n',
    );
    await migrateDatabase(database.url); // the real ones first
    await expect(migrateDatabase(database.url, dir)).rejects.toThrow(
      /29990101000000_broken|syntax/,
    );
    const rows = await migrationRows(database.url);
    expect(rows.map((row) => row.migration_name)).not.toContain("29990101000000_broken");
    const opened = openDatabase(database.url);
    await expect(opened.db.$queryRawUnsafe('SELECT * FROM "Half"')).rejects.toThrow();
    await opened.close();
  });
});

it("writes records the Prisma CLI itself accepts (prisma migrate deploy finds nothing to do)", async () => {
  const database = await createTestDatabase("sqlite");
  try {
    await migrateDatabase(database.url);
    const result = spawnSync(
      process.execPath,
      [
        "scripts/prisma.mjs",
        "sqlite",
        "migrate",
        "deploy",
        "--schema",
        "prisma/sqlite/schema.prisma",
      ],
      {
        env: { ...process.env, DATABASE_URL: database.url },
        encoding: "utf8",
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("No pending migrations to apply.");
  } finally {
    await database.drop();
  }
});
