// Claims of finished work (done or failed) are deleted after their retention; claims still in
// flight or waiting for a retry are kept, however old.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { purgeFinishedClaims } from "../../src/scheduler/claims.js";
import { CLAIM_RETENTION_MS } from "../../src/scheduler/retry-policy.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

describeEachDatabase("claim purge", (provider) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it("deletes finished claims older than the retention period and keeps the rest", async () => {
    const now = new Date("2026-11-30T14:00:00Z");
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const claim = (key: string, status: string, doneAt: Date | null) => ({
      key,
      owner: "replica",
      status,
      leaseUntil: ago(40),
      doneAt,
    });
    await database.db.claim.createMany({
      data: [
        claim("old-done", "done", ago(31)),
        claim("old-failed", "failed", ago(45)),
        claim("recent-done", "done", ago(29)),
        claim("recent-failed", "failed", ago(1)),
        claim("old-in-flight", "claimed", null),
      ],
    });
    const purged = await purgeFinishedClaims(
      database.db,
      new Date(now.getTime() - CLAIM_RETENTION_MS),
    );
    expect(purged).toBe(2);
    const left = await database.db.claim.findMany({ orderBy: { key: "asc" } });
    expect(left.map((c) => c.key)).toEqual(["old-in-flight", "recent-done", "recent-failed"]);
  });
});
