// Every database test runs on SQLite and, when PostgreSQL is reachable, on PostgreSQL too. Each
// test database is new and empty: a temporary SQLite file, or a fresh PostgreSQL database.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe } from "vitest";

export type TestProvider = "sqlite" | "postgres";

export const POSTGRES_ADMIN_URL =
  process.env.CADENCE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Set by tests/global-setup.ts after probing the server once. */
export const postgresAvailable = (): boolean => process.env.CADENCE_TEST_POSTGRES === "1";

export interface TestDatabase {
  provider: TestProvider;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: TestProvider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-test-"));
    return {
      provider,
      url: `file:${path.join(dir, "cadence.db")}`,
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const name = `cadence_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    provider,
    url: url.toString(),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function testProviders(): TestProvider[] {
  return postgresAvailable() ? ["sqlite", "postgres"] : ["sqlite"];
}

/** `describe` once per available database, the provider in the title. */
export function describeEachDatabase(title: string, suite: (provider: TestProvider) => void): void {
  for (const provider of testProviders()) describe(`${title} [${provider}]`, () => suite(provider));
}
