import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { csvFile } from "../../src/funnel/csv.js";
import { importLeads } from "../../src/funnel/import.js";
import { writeCsv } from "../helpers/csv-files.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { freshWorkdir, runCadence } from "../helpers/cadence-process.js";

const TEAM = "T0CADENCE";
// Any column order, plus a column Cadence does not know.
const COLUMNS = [
  "mql_at",
  "id",
  "hubspot_score",
  "first_touch_at",
  "accepted_at",
  "rejected_at",
  "rejection_reason",
  "amount",
  "owner",
  "sourced_by",
  "influenced",
  "closed_won_at",
];
const ROWS = [
  {
    id: "L-1",
    mql_at: "2026-11-23T14:00:00Z",
    first_touch_at: "2026-11-23T14:04:00Z",
    accepted_at: "2026-11-24T10:00:00Z",
    amount: "1200.50",
    owner: "ana@acme.test",
    hubspot_score: "88",
  },
  {
    id: "L-2",
    mql_at: "2026-11-01T01:30:00",
    rejected_at: "2026-11-02T09:00:00-05:00",
    rejection_reason: "wrong company size",
    sourced_by: "sales",
  },
  {
    id: "L-3",
    mql_at: "2026-11-20T09:00:00-05:00",
    influenced: "true",
    closed_won_at: "2026-12-01T15:00:00Z",
    amount: "5000",
  },
];

describeEachDatabase("importing leads from CSV", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  const run = (file: string, skipInvalid = false) =>
    importLeads(database, csvFile(file), {
      slackTeamId: TEAM,
      timezone: "America/New_York",
      skipInvalid,
    });
  const stored = () =>
    database.db.lead.findMany({ where: { slackTeamId: TEAM }, orderBy: { crmId: "asc" } });

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "America/New_York", settings: {} },
    });
    await database.db.workspace.create({
      data: { slackTeamId: "T0OTHER", name: "Other", timezone: "UTC", settings: {} },
    });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it("stores every valid row, reading times without an offset in the workspace's timezone", async () => {
    const summary = await run(writeCsv(COLUMNS, ROWS));
    expect(summary).toMatchObject({
      rowsRead: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      unknownColumns: ["hubspot_score"],
      written: true,
    });
    const leads = await stored();
    expect(
      leads.map((l) => [
        l.crmId,
        l.mqlAt.toISOString(),
        l.sourcedBy,
        l.influenced,
        l.amount?.toString() ?? null,
      ]),
    ).toEqual([
      ["L-1", "2026-11-23T14:00:00.000Z", "marketing", false, "1200.5"],
      ["L-2", "2026-11-01T05:30:00.000Z", "sales", false, null], // 01:30 in the repeated hour: the EDT one
      ["L-3", "2026-11-20T14:00:00.000Z", "marketing", true, "5000"],
    ]);
    expect(leads[1]).toMatchObject({
      rejectedAt: new Date("2026-11-02T14:00:00Z"),
      rejectionReason: "wrong company size",
    });
  });

  it("changes nothing when the same file is imported again", async () => {
    const before = (await stored()).map((l) => l.updatedAt.getTime());
    expect(await run(writeCsv(COLUMNS, ROWS))).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
      written: true,
    });
    expect((await stored()).map((l) => l.updatedAt.getTime())).toEqual(before);
  });

  it("updates a row that changed in the CRM", async () => {
    const changed = ROWS.map((row) =>
      row.id === "L-2" ? { ...row, rejection_reason: "no budget" } : row,
    );
    expect(await run(writeCsv(COLUMNS, changed))).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 2,
    });
    expect((await stored())[1]?.rejectionReason).toBe("no budget");
  });

  it("writes nothing when any row is invalid, and lists each problem with its line", async () => {
    const before = await stored();
    const rows = [
      ...ROWS,
      { id: "L-4", mql_at: "2026-11-24T10:00:00Z", amount: "lots" },
      { id: "", mql_at: "soon" },
      { id: "L-1", mql_at: "2026-11-25T10:00:00Z" },
    ];
    const summary = await run(writeCsv(COLUMNS, rows));
    expect(summary.written).toBe(false);
    expect(summary.invalid).toBe(3);
    expect(summary.problems).toEqual([
      {
        line: 5,
        column: "amount",
        value: "lots",
        problem: "is not a number (e.g. 12500 or 12500.50)",
      },
      { line: 6, column: "id", value: "", problem: "is required: the CRM's id for the lead" },
      {
        line: 6,
        column: "mql_at",
        value: "soon",
        problem: expect.stringContaining("is not an ISO 8601 timestamp"),
      },
      { line: 7, column: "id", value: "L-1", problem: "appears again (first on line 2)" },
    ]);
    expect(await stored()).toEqual(before);
  });

  it("with --skip-invalid writes the valid rows and still lists the rest", async () => {
    const rows = [
      { id: "L-5", mql_at: "2026-11-24T10:00:00Z" },
      { id: "L-6", mql_at: "2026-11-24T10:00:00Z", sourced_by: "events" },
    ];
    const summary = await run(writeCsv(COLUMNS, rows), true);
    expect(summary).toMatchObject({ rowsRead: 2, inserted: 1, invalid: 1, written: true });
    expect(summary.problems[0]).toMatchObject({ line: 3, column: "sourced_by", value: "events" });
    expect((await stored()).map((l) => l.crmId)).toEqual(["L-1", "L-2", "L-3", "L-5"]);
  });

  it("finds an id repeated thousands of lines apart, and writes it once with --skip-invalid", async () => {
    const rows = Array.from({ length: 4_500 }, (_, i) => ({
      id: `B-${i}`,
      mql_at: "2026-11-24T10:00:00Z",
    }));
    rows.push(
      { id: "B-7", mql_at: "2026-11-25T10:00:00Z" },
      { id: "B-4400", mql_at: "2026-11-25" },
    );
    const summary = await run(writeCsv(COLUMNS, rows), true);
    expect(summary).toMatchObject({ rowsRead: 4_502, inserted: 4_500, invalid: 2 });
    expect(summary.problems).toEqual([
      { line: 4_502, column: "id", value: "B-7", problem: "appears again (first on line 9)" },
      { line: 4_503, column: "id", value: "B-4400", problem: "appears again (first on line 4402)" },
    ]);
    const kept = await database.db.lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId: "B-7" } },
    });
    expect(kept.mqlAt.toISOString()).toBe("2026-11-24T10:00:00.000Z");
    await database.db.lead.deleteMany({ where: { crmId: { startsWith: "B-" } } });
  });

  it("fails cleanly on a file that is not valid CSV, and writes nothing", async () => {
    const before = await stored();
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-bad-csv-"));
    const file = path.join(dir, "broken.csv");
    writeFileSync(file, 'id,mql_at\nB-1,2026-11-24T10:00:00Z\n"B-2,2026-11-24T10:00:00Z\n');
    await expect(run(file, true)).rejects.toThrow(/quote/i);
    expect(await stored()).toEqual(before);
  });

  it("refuses a file without the required columns", async () => {
    const summary = await run(writeCsv(["id", "owner"], [{ id: "L-9", owner: "x" }]));
    expect(summary).toMatchObject({
      written: false,
      problems: [
        { line: 1, column: "mql_at", value: "", problem: "column is missing from the header" },
      ],
    });
  });

  it("keeps workspaces apart: the same CRM id in another workspace is another lead", async () => {
    await importLeads(database, csvFile(writeCsv(COLUMNS, ROWS)), {
      slackTeamId: "T0OTHER",
      timezone: "UTC",
      skipInvalid: false,
    });
    expect(await database.db.lead.count({ where: { crmId: "L-2" } })).toBe(2);
    expect((await stored()).find((l) => l.crmId === "L-2")?.rejectionReason).toBe("no budget");
  });
});

it("`cadence import leads` prints a summary, and exits 1 without writing when rows are invalid", async () => {
  const testDb = await createTestDatabase("sqlite");
  try {
    await migrateDatabase(testDb.url);
    const database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "America/New_York", settings: {} },
    });
    await database.close();
    const env = { DATABASE_URL: testDb.url };
    const good = runCadence(["import", "leads", writeCsv(COLUMNS, ROWS)], env, freshWorkdir());
    expect(await good.exited).toBe(0);
    expect(good.stdout.join("\n")).toContain(
      "Rows read: 3\nInserted:  3\nUpdated:   0\nUnchanged: 0\nInvalid:   0\nIgnored unknown columns: hubspot_score",
    );

    const bad = runCadence(
      ["import", "leads", writeCsv(COLUMNS, [{ id: "L-7", mql_at: "tomorrow" }])],
      env,
    );
    expect(await bad.exited).toBe(1);
    const output = bad.stdout.join("\n");
    expect(output).toContain('line 2, mql_at, "tomorrow": is not an ISO 8601 timestamp');
    expect(output).toContain("Nothing was written");

    const missing = runCadence(["import", "leads", "/nonexistent/leads.csv"], env);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr.join("")).toContain("No such file: /nonexistent/leads.csv");
  } finally {
    await testDb.drop();
  }
});

it("`cadence token create` shows a token once; `list` never shows secrets; `revoke` turns it off", async () => {
  const testDb = await createTestDatabase("sqlite");
  try {
    await migrateDatabase(testDb.url);
    const database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
    await database.close();
    const env = { DATABASE_URL: testDb.url };
    const created = runCadence(["token", "create", "--label", "hubspot sync"], env);
    expect(await created.exited).toBe(0);
    const [intro, token] = created.stdout;
    expect(intro).toMatch(
      /^Token \w+ for T0CADENCE \(hubspot sync\)\. Store it now: it is not shown again\.$/,
    );
    expect(token).toMatch(/^cad_[A-Za-z0-9_-]{43}$/);
    const id = /^Token (\w+)/.exec(intro!)![1]!;

    const listed = runCadence(["token", "list"], env);
    expect(await listed.exited).toBe(0);
    expect(listed.stdout.join("\n")).toContain(`${id}  T0CADENCE  hubspot sync  last used never`);
    expect(listed.stdout.join("\n")).not.toContain(token!);

    const revoked = runCadence(["token", "revoke", id], env);
    expect(await revoked.exited).toBe(0);
    const again = runCadence(["token", "revoke", id], env);
    expect(await again.exited).toBe(1);
    expect(again.stderr.join("")).toContain(`No active token ${id}.`);
  } finally {
    await testDb.drop();
  }
});
