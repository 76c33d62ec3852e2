import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { buildDigest } from "../../src/digest/digest.js";
import { weekContaining } from "../../src/digest/week.js";
import { csvFile } from "../../src/funnel/csv.js";
import { importLeads } from "../../src/funnel/import.js";
import { DIGEST_COLUMNS, DIGEST_ROWS } from "../fixtures/digest-week.js";
import { runCadence } from "../helpers/cadence-process.js";
import { writeCsv } from "../helpers/csv-files.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0DIGEST";
const TZ = "America/New_York";

describeEachDatabase("the funnel digest, computed in the database", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  const digestFor = (day: string) =>
    buildDigest(database.db, provider, { slackTeamId: TEAM, week: weekContaining(day, TZ) });

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    for (const slackTeamId of [TEAM, "T0OTHER"])
      await database.db.workspace.create({
        data: { slackTeamId, name: slackTeamId, timezone: TZ, settings: {} },
      });
    for (const slackTeamId of [TEAM, "T0OTHER"]) {
      const summary = await importLeads(database, csvFile(writeCsv(DIGEST_COLUMNS, DIGEST_ROWS)), {
        slackTeamId,
        timezone: TZ,
        skipInvalid: false,
      });
      expect(summary.written).toBe(true);
    }
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it("matches the hand-computed numbers for the week of 2026-11-16", async () => {
    const { digest } = await digestFor("2026-11-18");
    expect(digest.week).toEqual({ start: "2026-11-16", end: "2026-11-22", timezone: TZ });
    expect(digest.volumes).toEqual({
      mql: 4,
      sql: 2,
      rejected: 3,
      opportunities: 2,
      won: 2,
      lost: 0,
      wonAmount: 1000.3,
    });
    expect(digest.previousVolumes).toEqual({
      mql: 2,
      sql: 1,
      rejected: 0,
      opportunities: 1,
      won: 0,
      lost: 1,
      wonAmount: 0,
    });
    expect(digest.acceptanceRate).toBe(0.4);
    expect(digest.rejectionReasons).toEqual([
      { reason: "no budget", count: 2, share: 2 / 3 },
      { reason: "wrong persona", count: 1, share: 1 / 3 },
    ]);
    const justOver = 5 + 1 / 60_000; // 5 minutes and 1 ms
    const stl = digest.speedToLead;
    expect(stl).toMatchObject({
      slaMinutes: 5,
      mqls: 4,
      untouched: 1,
      medianMinutes: 5,
      slaCompliance: 0.5,
    });
    expect(stl.p90Minutes).toBeCloseTo(justOver, 10);
    expect(stl.byRep.map((r) => r.key)).toEqual(["rep-a", "rep-b"]);
    expect(stl.byRep[0]).toMatchObject({ mqls: 2, untouched: 0, slaCompliance: 0.5 });
    expect(stl.byRep[0]!.medianMinutes).toBeCloseTo((5 + justOver) / 2, 10);
    expect(stl.byRep[1]).toEqual({
      key: "rep-b",
      mqls: 2,
      untouched: 1,
      medianMinutes: 0,
      p90Minutes: 0,
      slaCompliance: 0.5,
    });
    expect(stl.byTeam.map((t) => [t.key, t.mqls])).toEqual([
      ["east", 2],
      ["west", 2],
    ]);
    expect(stl.bySource).toEqual([
      {
        key: "(none)",
        mqls: 1,
        untouched: 1,
        medianMinutes: null,
        p90Minutes: null,
        slaCompliance: 0,
      },
      expect.objectContaining({ key: "paid", mqls: 1, untouched: 0, slaCompliance: 0 }),
      {
        key: "webinar",
        mqls: 2,
        untouched: 0,
        medianMinutes: 2.5,
        p90Minutes: 5,
        slaCompliance: 1,
      },
    ]);
    // Cohort: MQLs from 2026-08-24 to 2026-11-22 local: A B C D E G H I J K (10).
    expect(digest.conversion).toEqual({
      cohortWeeks: 13,
      mqlToSql: 0.4,
      sqlToOpp: 0.75,
      oppToWon: 2 / 3,
    });
    expect(digest.sourcing).toEqual({
      marketing: 1,
      sales: 1,
      partner: 0,
      other: 0,
      influenced: 1,
    });
    expect(digest.rejectionTrend).toEqual({
      months: [
        { month: "2026-09", rejectionRate: 1 },
        { month: "2026-10", rejectionRate: 2 / 3 },
      ],
      mqlReviewTriggered: true,
    });
  });

  it("gives null rates, not NaN or 0, for an empty week", async () => {
    const { digest, trend } = await digestFor("2025-06-04");
    expect(digest.volumes).toEqual({
      mql: 0,
      sql: 0,
      rejected: 0,
      opportunities: 0,
      won: 0,
      lost: 0,
      wonAmount: 0,
    });
    expect(digest.acceptanceRate).toBeNull();
    expect(digest.rejectionReasons).toEqual([]);
    expect(digest.speedToLead).toMatchObject({
      mqls: 0,
      untouched: 0,
      medianMinutes: null,
      p90Minutes: null,
      slaCompliance: null,
      byRep: [],
    });
    expect(digest.conversion).toEqual({
      cohortWeeks: 13,
      mqlToSql: null,
      sqlToOpp: null,
      oppToWon: null,
    });
    expect(digest.rejectionTrend).toEqual({
      months: [
        { month: "2025-04", rejectionRate: null },
        { month: "2025-05", rejectionRate: null },
      ],
      mqlReviewTriggered: false,
    });
    expect(trend).toHaveLength(8);
    expect(trend.every((w) => w.acceptanceRate === null && w.slaCompliance === null)).toBe(true);
    expect(JSON.stringify(digest)).not.toMatch(/NaN|Infinity/);
  });

  it("gives the chart an 8-week trend ending with the reported week", async () => {
    const { trend } = await digestFor("2026-11-18");
    expect(trend.map((w) => w.weekStart)).toEqual([
      "2026-09-28",
      "2026-10-05",
      "2026-10-12",
      "2026-10-19",
      "2026-10-26",
      "2026-11-02",
      "2026-11-09",
      "2026-11-16",
    ]);
    expect(trend[7]).toEqual({
      weekStart: "2026-11-16",
      mqls: 4,
      acceptanceRate: 0.4,
      slaCompliance: 0.5,
    });
    expect(trend[6]).toEqual({
      weekStart: "2026-11-09",
      mqls: 2,
      acceptanceRate: 1,
      slaCompliance: 0,
    });
    expect(trend[1]).toEqual({
      weekStart: "2026-10-05",
      mqls: 3,
      acceptanceRate: 1 / 3,
      slaCompliance: 0,
    });
  });

  it("`cadence digest --json` prints exactly what was computed; --week is any day of the week", async () => {
    const cli = runCadence(["digest", "--workspace", TEAM, "--week", "2026-11-22", "--json"], {
      DATABASE_URL: testDb.url,
    });
    expect(await cli.exited).toBe(0);
    const printed: unknown = JSON.parse(cli.stdout.join("\n"));
    expect(printed).toEqual(JSON.parse(JSON.stringify((await digestFor("2026-11-16")).digest)));

    const text = runCadence(["digest", "--workspace", TEAM, "--week", "2026-11-16"], {
      DATABASE_URL: testDb.url,
    });
    expect(await text.exited).toBe(0);
    const output = text.stdout.join("\n");
    expect(output).toContain("Funnel digest · 16–22 Nov 2026 (America/New_York)");
    expect(output).toContain("MQL acceptance: 40%");
    expect(output).toContain("ALERT: rejection rate above 30% two months running");

    const bad = runCadence(["digest", "--week", "last monday", "--timezone", "Mars/Olympus"], {
      DATABASE_URL: testDb.url,
    });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr.join("")).toContain("--week must be a date, YYYY-MM-DD");
    expect(bad.stderr.join("")).toContain("--timezone must be an IANA timezone");
  });
});
