// Probes PostgreSQL once for the whole run. With CADENCE_REQUIRE_POSTGRES=1 (as in .ci/run) an
// unreachable server fails the run instead of silently skipping the PostgreSQL suite.
import pg from "pg";
import { POSTGRES_ADMIN_URL } from "./helpers/databases.js";

export default async function setup(): Promise<void> {
  const client = new pg.Client({
    connectionString: POSTGRES_ADMIN_URL,
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    process.env.CADENCE_TEST_POSTGRES = "1";
  } catch (error) {
    if (process.env.CADENCE_REQUIRE_POSTGRES === "1") {
      throw new Error(
        `PostgreSQL is required but unreachable at ${POSTGRES_ADMIN_URL}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    process.env.CADENCE_TEST_POSTGRES = "0";
    console.warn(`PostgreSQL unreachable at ${POSTGRES_ADMIN_URL}: running the SQLite suite only.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
