// The review packs and the QBR scorecard, computed in the database, against numbers worked out by
// hand from eleven leads (and a second workspace with the same leads that must not leak in).
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { approveVersion, proposeVersion, setLead } from "../../src/definitions/service.js";
import { buildIcpPack } from "../../src/reviews/icp-pack.js";
import { buildMqlPack } from "../../src/reviews/mql-pack.js";
import { buildQbrScorecard } from "../../src/reviews/qbr.js";
import { quarterNamed } from "../../src/reviews/window.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0REVIEW";
const TZ = "America/New_York";
// Tuesday 1 December 2026, 10:00 in New York: the MQL window is 2026-09-02 to 2026-11-30, the
// ICP window 2025-12-01 to 2026-11-30.
const NOW = "2026-12-01T15:00:00Z";

interface LeadInput {
  id: string;
  mqlAt: string;
  firstTouchAt?: string;
  acceptedAt?: string;
  rejectedAt?: string;
  reason?: string;
  wonAt?: string;
  lostAt?: string;
  amount?: string;
  source?: string;
  industry: string;
  size: string;
  country: string;
}

const LEADS: LeadInput[] = [
  // Won inside the MQL window: 35 and 30 days from MQL.
  {
    id: "L1",
    mqlAt: "2026-09-10T15:00:00Z",
    acceptedAt: "2026-09-11T15:00:00Z",
    wonAt: "2026-10-15T15:00:00Z",
    amount: "1000",
    source: "webinar",
    industry: "software",
    size: "51-200",
    country: "US",
  },
  {
    id: "L2",
    mqlAt: "2026-10-05T15:00:00Z",
    firstTouchAt: "2026-10-05T15:03:00Z",
    acceptedAt: "2026-10-06T15:00:00Z",
    wonAt: "2026-11-04T15:00:00Z",
    amount: "3000",
    source: "webinar",
    industry: "software",
    size: "201-1000",
    country: "US",
  },
  {
    id: "L3",
    mqlAt: "2026-10-12T15:00:00Z",
    firstTouchAt: "2026-10-12T15:10:00Z",
    rejectedAt: "2026-10-13T15:00:00Z",
    reason: "wrong persona",
    source: "paid search",
    industry: "software",
    size: "11-50",
    country: "GB",
  },
  {
    id: "L4",
    mqlAt: "2026-11-02T15:00:00Z",
    rejectedAt: "2026-11-03T15:00:00Z",
    reason: "no budget",
    source: "paid search",
    industry: "retail",
    size: "11-50",
    country: "US",
  },
  {
    id: "L5",
    mqlAt: "2026-11-09T15:00:00Z",
    rejectedAt: "2026-11-10T15:00:00Z",
    reason: "no budget",
    source: "paid search",
    industry: "retail",
    size: "51-200",
    country: "DE",
  },
  {
    id: "L6",
    mqlAt: "2026-11-16T15:00:00Z",
    acceptedAt: "2026-11-17T15:00:00Z",
    lostAt: "2026-11-25T15:00:00Z",
    industry: "software",
    size: "51-200",
    country: "US",
  },
  // Won earlier in the ICP window: 61 and 30 days; L8 has no amount.
  {
    id: "L7",
    mqlAt: "2026-03-01T15:00:00Z",
    acceptedAt: "2026-03-02T15:00:00Z",
    wonAt: "2026-05-01T15:00:00Z",
    amount: "2000",
    source: "webinar",
    industry: "manufacturing",
    size: "1000+",
    country: "US",
  },
  {
    id: "L8",
    mqlAt: "2026-01-10T15:00:00Z",
    wonAt: "2026-02-09T15:00:00Z",
    source: "events",
    industry: "manufacturing",
    size: "1000+",
    country: "CA",
  },
  // Won before the ICP window.
  {
    id: "L9",
    mqlAt: "2025-06-01T15:00:00Z",
    wonAt: "2025-11-15T15:00:00Z",
    amount: "9000",
    source: "events",
    industry: "software",
    size: "51-200",
    country: "US",
  },
  // Rejected on 1 September at 19:00 New York: before the window, though 2 September in UTC.
  {
    id: "L10",
    mqlAt: "2026-08-30T15:00:00Z",
    rejectedAt: "2026-09-01T23:00:00Z",
    reason: "timing",
    source: "webinar",
    industry: "software",
    size: "51-200",
    country: "US",
  },
  // Rejected on 2 September at 01:00 New York: inside, though its MQL is not.
  {
    id: "L11",
    mqlAt: "2026-09-01T15:00:00Z",
    rejectedAt: "2026-09-02T05:00:00Z",
    reason: "timing",
    source: "webinar",
    industry: "retail",
    size: "11-50",
    country: "US",
  },
];

const at = (iso?: string) => (iso ? new Date(iso) : null);
const rows = (slackTeamId: string) =>
  LEADS.map((l) => ({
    slackTeamId,
    crmId: l.id,
    mqlAt: new Date(l.mqlAt),
    firstTouchAt: at(l.firstTouchAt),
    acceptedAt: at(l.acceptedAt),
    rejectedAt: at(l.rejectedAt),
    rejectionReason: l.reason ?? null,
    closedWonAt: at(l.wonAt),
    closedLostAt: at(l.lostAt),
    opportunityAt: l.wonAt || l.lostAt ? new Date(l.mqlAt) : null,
    amount: l.amount ?? null,
    source: l.source ?? null,
    industry: l.industry,
    companySize: l.size,
    country: l.country,
    contentHash: l.id,
  }));

describeEachDatabase(
  "the review packs and the QBR scorecard, computed in the database",
  (provider) => {
    let testDb: TestDatabase;
    let database: Database;
    const clock = fixedClock(NOW);
    const deps = () => ({ db: database.db, provider, clock });

    beforeAll(async () => {
      testDb = await createTestDatabase(provider);
      await migrateDatabase(testDb.url);
      database = openDatabase(testDb.url);
      for (const slackTeamId of [TEAM, "T0OTHER"]) {
        await database.db.workspace.create({
          data: { slackTeamId, name: slackTeamId, timezone: TZ, settings: {} },
        });
        await database.db.lead.createMany({ data: rows(slackTeamId) });
      }
      await setLead(database.db, TEAM, "marketing", "U0MKT");
      await setLead(database.db, TEAM, "sales", "U0SALES");
      const icp = await proposeVersion(deps(), TEAM, "U0MKT", {
        subject: "icp",
        text: "Software companies of 51 to 1000 people in the US.",
        terms: {
          industries: ["Software"],
          companySizes: ["51-200", "201-1000"],
          countries: ["US"],
        },
        effectiveOn: "2026-12-01",
      });
      if (!icp.ok) throw new Error(icp.message);
      await approveVersion(deps(), TEAM, "U0MKT", icp.version.id);
      await approveVersion(deps(), TEAM, "U0SALES", icp.version.id);
    });
    afterAll(async () => {
      await database.close();
      await testDb.drop();
    });

    it("matches the hand-computed MQL review pack for the last 90 days", async () => {
      const pack = await buildMqlPack(deps(), TEAM);
      expect(pack.window).toEqual({ from: "2026-09-02", to: "2026-11-30", timezone: TZ, days: 90 });
      expect(pack.definition).toEqual({ agreement: "never-agreed", current: null });
      expect(pack.acceptanceByMonth).toEqual([
        { month: "2026-09", accepted: 1, rejected: 1, acceptanceRate: 0.5 },
        { month: "2026-10", accepted: 1, rejected: 1, acceptanceRate: 0.5 },
        { month: "2026-11", accepted: 1, rejected: 2, acceptanceRate: 1 / 3 },
      ]);
      expect(pack.acceptanceBySource).toEqual([
        { source: "paid search", accepted: 0, rejected: 3, acceptanceRate: 0 },
        { source: "webinar", accepted: 2, rejected: 1, acceptanceRate: 2 / 3 },
        { source: "(none)", accepted: 1, rejected: 0, acceptanceRate: 1 },
      ]);
      expect(pack.rejectionReasonsByMonth).toEqual([
        { month: "2026-09", reasons: [{ reason: "timing", count: 1, share: 1 }] },
        { month: "2026-10", reasons: [{ reason: "wrong persona", count: 1, share: 1 }] },
        { month: "2026-11", reasons: [{ reason: "no budget", count: 2, share: 1 }] },
      ]);
      expect(pack.conversionBySource).toEqual([
        { source: "paid search", mqls: 3, won: 0, conversion: 0 },
        { source: "webinar", mqls: 2, won: 2, conversion: 1 },
        { source: "(none)", mqls: 1, won: 0, conversion: 0 },
      ]);
      expect(pack.firmographics.won).toEqual({
        industry: [{ key: "software", count: 2, share: 1 }],
        companySize: [
          { key: "201-1000", count: 1, share: 0.5 },
          { key: "51-200", count: 1, share: 0.5 },
        ],
        country: [{ key: "US", count: 2, share: 1 }],
      });
      expect(pack.firmographics.rejected).toEqual({
        industry: [
          { key: "retail", count: 3, share: 0.75 },
          { key: "software", count: 1, share: 0.25 },
        ],
        companySize: [
          { key: "11-50", count: 3, share: 0.75 },
          { key: "51-200", count: 1, share: 0.25 },
        ],
        country: [
          { key: "US", count: 2, share: 0.5 },
          { key: "DE", count: 1, share: 0.25 },
          { key: "GB", count: 1, share: 0.25 },
        ],
      });
    });

    it("matches the hand-computed ICP review pack for the last 12 months", async () => {
      const pack = await buildIcpPack(deps(), TEAM);
      expect(pack.window).toEqual({
        from: "2025-12-01",
        to: "2026-11-30",
        timezone: TZ,
        months: 12,
      });
      expect(pack.definition.agreement).toBe("agreed");
      expect(pack.definition.current).toMatchObject({
        version: 1,
        marketingApprovedBy: "U0MKT",
        salesApprovedBy: "U0SALES",
      });
      expect(pack.outsideThreshold).toBe(0.4);
      expect([pack.won, pack.lost, pack.winRate]).toEqual([4, 1, 0.8]);
      expect(pack.byIndustry).toEqual([
        {
          key: "software",
          won: 2,
          lost: 1,
          winRate: 2 / 3,
          medianAmount: 2000,
          medianCycleDays: 32.5,
        },
        {
          key: "manufacturing",
          won: 2,
          lost: 0,
          winRate: 1,
          medianAmount: 2000,
          medianCycleDays: 45.5,
        },
      ]);
      expect(pack.byCompanySize).toEqual([
        { key: "1000+", won: 2, lost: 0, winRate: 1, medianAmount: 2000, medianCycleDays: 45.5 },
        { key: "51-200", won: 1, lost: 1, winRate: 0.5, medianAmount: 1000, medianCycleDays: 35 },
        { key: "201-1000", won: 1, lost: 0, winRate: 1, medianAmount: 3000, medianCycleDays: 30 },
      ]);
      expect(pack.byCountry).toEqual([
        { key: "US", won: 3, lost: 1, winRate: 0.75, medianAmount: 2000, medianCycleDays: 35 },
        { key: "CA", won: 1, lost: 0, winRate: 1, medianAmount: null, medianCycleDays: 30 },
      ]);
      // L1 and L2 fit (the ICP's "Software" matches "software"); L7 and L8 are manufacturing.
      expect(pack.icpFit).toEqual({ inside: 2, outside: 2, insideShare: 0.5, outsideShare: 0.5 });
    });

    it("matches the hand-computed QBR scorecard for 2026-Q4, cadence health included", async () => {
      const cadence = await database.db.cadence.create({
        data: {
          slackTeamId: TEAM,
          kind: "custom",
          title: "Pipeline review",
          recurrence: { kind: "weekly", weekdays: ["monday"], time: "09:00" },
          timezone: TZ,
          driSlackUserId: "U0BOB",
          reminderOffsetsMinutes: [],
          escalationGraceMinutes: 60,
        },
      });
      const due = (iso: string, status: string, doneAt?: string) => ({
        cadenceId: cadence.id,
        dueAt: new Date(iso),
        status,
        doneAt: at(doneAt),
      });
      await database.db.occurrence.createMany({
        data: [
          due("2026-10-05T13:00:00Z", "done", "2026-10-05T14:00:00Z"), // on time: at the grace's end
          due("2026-10-12T13:00:00Z", "done", "2026-10-12T14:00:01Z"), // late
          due("2026-10-19T13:00:00Z", "missed"),
          due("2026-10-26T13:00:00Z", "skipped"), // not due
          due("2026-09-28T13:00:00Z", "done", "2026-09-28T13:10:00Z"), // Q3
        ],
      });
      const card = await buildQbrScorecard(deps(), TEAM, quarterNamed("2026-Q4", TZ)!);
      expect(card.quarter).toBe("2026-Q4");
      expect(card.window).toEqual({ from: "2026-10-01", to: "2026-12-31", timezone: TZ });
      expect(card.asOf).toBe("2026-12-01T15:00:00.000Z");
      expect(card.mqlAcceptance).toEqual({ accepted: 2, rejected: 3, rate: 0.4 });
      // Q4's MQLs: L2 (3 min), L3 (10 min), L4, L5, L6 (untouched).
      expect(card.speedToLead).toEqual({ slaMinutes: 5, mqls: 5, withinSla: 1, compliance: 0.2 });
      expect(card.attribution).toEqual({ agreement: "never-agreed", version: null });
      const icp = card.definitions.find((d) => d.subject === "icp")!;
      expect(icp.agreement).toBe("agreed");
      expect(icp.daysSinceReview).toBe(0);
      expect(card.definitions.find((d) => d.subject === "mql")).toEqual({
        subject: "mql",
        agreement: "never-agreed",
        lastReviewedAt: null,
        daysSinceReview: null,
      });
      expect(card.diagnostic).toBeNull();
      expect(card.cadenceHealth).toEqual({
        due: 3,
        doneOnTime: 1,
        onTimeShare: 1 / 3,
        byCadence: [
          { title: "Pipeline review", kind: "custom", due: 3, doneOnTime: 1, onTimeShare: 1 / 3 },
        ],
        byDri: [{ driSlackUserId: "U0BOB", due: 3, doneOnTime: 1, onTimeShare: 1 / 3 }],
      });
    });
  },
);
