// An import stages the whole file, then merges it in short transactions: other writes go through
// between chunks, a merge stopped part-way is completed by importing the same file again, and a
// file that is not UTF-8 is refused before anything is written.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { MergeInterrupted, type MergeOptions } from "../../src/funnel/bulk-writer.js";
import { csvFile } from "../../src/funnel/csv.js";
import { importLeads, NOT_UTF8_PROBLEM } from "../../src/funnel/import.js";
import { arraySource } from "../../src/funnel/records.js";
import { writeCsv } from "../helpers/csv-files.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0CADENCE";
const OTHER = "T0OTHER";
const COLUMNS = ["id", "mql_at", "accepted_at", "amount", "owner", "influenced"];
const NOW = new Date("2026-11-30T12:00:00Z");

/** `count` leads with varied values, mql_at out of file order (the merge sorts by it). */
const leadRows = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    mql_at: new Date(Date.UTC(2026, 10, 1 + ((i * 7) % 28), 9)).toISOString(),
    accepted_at: i % 3 === 0 ? "2026-11-29T10:00:00Z" : "",
    amount: i % 2 ? `${1000 + i}.5` : "",
    owner: `rep${i % 4}@acme.test`,
    influenced: i % 5 === 0 ? "true" : "false",
  }));

describeEachDatabase("an import that shares the database", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  const run = (file: string, merge?: MergeOptions, slackTeamId = TEAM) =>
    importLeads(database, csvFile(file), {
      slackTeamId,
      timezone: "UTC",
      skipInvalid: false,
      now: NOW,
      merge,
    });
  const leadsOf = async (slackTeamId: string, prefix: string) =>
    (
      await database.db.lead.findMany({
        where: { slackTeamId, crmId: { startsWith: `${prefix}-` } },
        orderBy: { crmId: "asc" },
      })
    ).map(({ slackTeamId: _team, ...lead }) => ({ ...lead, amount: lead.amount?.toString() }));

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    for (const slackTeamId of [TEAM, OTHER])
      await database.db.workspace.create({
        data: { slackTeamId, name: slackTeamId, timezone: "UTC", settings: {} },
      });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it("lets other writes through between merge chunks, before the import finishes", async () => {
    const seen: string[] = [];
    const summary = await run(writeCsv(COLUMNS, leadRows("M", 50)), {
      chunkRows: 10,
      afterChunk: async ({ merged, total }) => {
        if (merged !== 10) return;
        // A Prisma write and an ingest-sized import, while 40 of the 50 leads are still to come.
        await database.db.workspace.update({
          where: { slackTeamId: OTHER },
          data: { name: "Renamed mid-import" },
        });
        const ingest = await importLeads(
          database,
          arraySource([{ line: 1, raw: { id: "API-1", mql_at: "2026-11-30T09:00:00Z" } }]),
          { slackTeamId: TEAM, timezone: "UTC", skipInvalid: false },
        );
        const stored = await database.db.lead.count({ where: { crmId: { startsWith: "M-" } } });
        seen.push(`renamed, ingested ${ingest.inserted}, with ${stored} of ${total} merged`);
      },
    });
    expect(seen).toEqual(["renamed, ingested 1, with 10 of 50 merged"]);
    expect(summary).toMatchObject({ rowsRead: 50, inserted: 50, written: true });
    expect(await database.db.lead.count({ where: { crmId: "API-1" } })).toBe(1);
    expect(
      (await database.db.workspace.findUniqueOrThrow({ where: { slackTeamId: OTHER } })).name,
    ).toBe("Renamed mid-import");
  });

  it("a merge stopped after chunk k leaves data that importing the same file again completes exactly", async () => {
    const file = writeCsv(COLUMNS, leadRows("C", 45));
    let mergedAtCrash = 0;
    const crashed = run(file, {
      chunkRows: 10,
      afterChunk: ({ merged, chunks }) => {
        mergedAtCrash = merged;
        if (chunks === 2) throw new Error("power cut");
      },
    });
    await expect(crashed).rejects.toBeInstanceOf(MergeInterrupted);
    await expect(crashed).rejects.toThrow(/power cut \(after 20 of 45 records were written/);
    expect(mergedAtCrash).toBe(20);
    expect(await database.db.lead.count({ where: { crmId: { startsWith: "C-" } } })).toBe(20);

    expect(await run(file, { chunkRows: 10 })).toMatchObject({
      inserted: 25,
      updated: 0,
      unchanged: 20,
      written: true,
    });
    expect(await run(file, undefined, OTHER)).toMatchObject({ inserted: 45, written: true });
    const rerun = await leadsOf(TEAM, "C");
    expect(rerun).toHaveLength(45);
    expect(rerun).toEqual(await leadsOf(OTHER, "C"));
  });

  it("refuses a file that is not UTF-8, naming its first bad line, and writes nothing", async () => {
    const file = path.join(path.dirname(writeCsv(["id"], [])), "latin1.csv");
    writeFileSync(
      file,
      Buffer.from(
        "id,mql_at,owner\nU-1,2026-11-24T10:00:00Z,ana\nU-2,2026-11-24T10:00:00Z,José\nU-3,2026-11-24T10:00:00Z,Zoë\n",
        "latin1",
      ),
    );
    for (const skipInvalid of [false, true]) {
      const summary = await importLeads(database, csvFile(file), {
        slackTeamId: TEAM,
        timezone: "UTC",
        skipInvalid,
      });
      expect(summary).toMatchObject({
        written: false,
        inserted: 0,
        problems: [{ line: 3, column: "(file)", value: "", problem: NOT_UTF8_PROBLEM }],
      });
    }
    expect(NOT_UTF8_PROBLEM).toContain("re-save it as UTF-8");
    expect(await database.db.lead.count({ where: { crmId: { startsWith: "U-" } } })).toBe(0);
  });
});
