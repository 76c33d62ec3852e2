import { describe, expect, it } from "vitest";
import { segmentRows } from "../../src/reviews/icp-pack.js";
import {
  acceptanceByKey,
  firmographicCounts,
  firmographicsOf,
  icpFit,
  icpReviewDueEarly,
  keyedCounts,
  medianBy,
} from "../../src/reviews/rules.js";
import { lastCompleteQuarter, lastDays, monthsOf, quarterNamed } from "../../src/reviews/window.js";

const TZ = "America/New_York";
const combo = (
  industry: string | null,
  companySize: string | null,
  country: string | null,
  count: number,
) => ({
  industry,
  companySize,
  country,
  count,
});

describe("the packs' windows, in the workspace's timezone", () => {
  it("covers the 90 whole days before today, split into calendar months", () => {
    const span = lastDays(new Date("2026-12-01T15:00:00Z"), TZ, 90);
    expect([span.from, span.to]).toEqual(["2026-09-02", "2026-11-30"]);
    expect(span.start.toISOString()).toBe("2026-09-02T04:00:00.000Z");
    // 1 November is a daylight-saving change in New York: the month boundary follows it.
    expect(
      monthsOf(span).map((m) => [m.month, m.start.toISOString(), m.end.toISOString()]),
    ).toEqual([
      ["2026-09", "2026-09-02T04:00:00.000Z", "2026-10-01T04:00:00.000Z"],
      ["2026-10", "2026-10-01T04:00:00.000Z", "2026-11-01T04:00:00.000Z"],
      ["2026-11", "2026-11-01T04:00:00.000Z", "2026-12-01T05:00:00.000Z"],
    ]);
  });

  it("names quarters and finds the last complete one", () => {
    const q4 = quarterNamed("2026-Q4", TZ)!;
    expect([q4.from, q4.to, q4.end.toISOString()]).toEqual([
      "2026-10-01",
      "2026-12-31",
      "2027-01-01T05:00:00.000Z",
    ]);
    expect(lastCompleteQuarter(new Date("2027-01-01T04:59:59Z"), TZ).quarter).toBe("2026-Q3");
    expect(lastCompleteQuarter(new Date("2027-01-01T05:00:00Z"), TZ).quarter).toBe("2026-Q4");
    expect(quarterNamed("2026-Q5", TZ)).toBeNull();
  });
});

describe("the packs' arithmetic", () => {
  it("merges a null key into (none) and lists largest first, then by name", () => {
    expect(
      keyedCounts([
        { key: "b", count: 1 },
        { key: null, count: 2 },
        { key: "a", count: 1 },
      ]),
    ).toEqual([
      { key: "(none)", count: 2, share: 0.5 },
      { key: "a", count: 1, share: 0.25 },
      { key: "b", count: 1, share: 0.25 },
    ]);
    expect(keyedCounts([])).toEqual([]);
  });

  it("gives a source with only rejections a 0% acceptance, and none to divide by a null", () => {
    expect(
      acceptanceByKey(
        [{ key: "web", count: 2 }],
        [
          { key: "ads", count: 1 },
          { key: "web", count: 2 },
        ],
      ),
    ).toEqual([
      { key: "web", accepted: 2, rejected: 2, acceptanceRate: 0.5 },
      { key: "ads", accepted: 0, rejected: 1, acceptanceRate: 0 },
    ]);
  });

  it("checks won deals against every listed ICP dimension, ignoring case; an empty list fits all", () => {
    const won = [
      combo("Software", "51-200", "US", 3),
      combo("software", "11-50", "US", 1),
      combo(null, "51-200", "US", 1),
    ];
    const icp = { industries: ["software"], companySizes: ["51-200"], countries: [] };
    expect(icpFit(icp, won)).toEqual({
      inside: 3,
      outside: 2,
      insideShare: 0.6,
      outsideShare: 0.4,
    });
    expect(icpFit(null, won)).toBeNull();
    expect(icpFit(icp, [])).toEqual({
      inside: 0,
      outside: 0,
      insideShare: null,
      outsideShare: null,
    });
  });

  it("brings the ICP review forward only above the threshold", () => {
    const fit = (outsideShare: number | null) => ({
      inside: 0,
      outside: 0,
      insideShare: null,
      outsideShare,
    });
    expect(icpReviewDueEarly(fit(0.4), 0.4)).toBe(false);
    expect(icpReviewDueEarly(fit(0.41), 0.4)).toBe(true);
    expect(icpReviewDueEarly(fit(null), 0.4)).toBe(false);
    expect(icpReviewDueEarly(null, 0.4)).toBe(false);
  });

  it("splits firmographics by dimension and builds one segment row per value", () => {
    const won = [combo("software", "51-200", "US", 2), combo("retail", "51-200", "GB", 1)];
    const lost = [combo("retail", "11-50", "GB", 3)];
    expect(firmographicsOf(won).companySize).toEqual([{ key: "51-200", count: 3, share: 1 }]);
    expect(
      segmentRows(
        "industry",
        won,
        lost,
        [{ key: "software", median: 1500 }],
        [{ key: "software", median: 86_400_000 * 3 }],
      ),
    ).toEqual([
      { key: "software", won: 2, lost: 0, winRate: 1, medianAmount: 1500, medianCycleDays: 3 },
      { key: "retail", won: 1, lost: 3, winRate: 0.25, medianAmount: null, medianCycleDays: null },
    ]);
  });
});

describe("won deals' counts and medians", () => {
  const deal = (industry: string | null, amount: number | null, cycleMs: number) => ({
    industry,
    companySize: "51-200",
    country: "US",
    amount,
    cycleMs,
  });
  const deals = [
    deal("software", 3000, 40),
    deal("software", 1000, 10),
    deal("software", null, 30),
    deal("software", 2500, 20),
    deal(null, null, 7),
    deal("retail", 500, 5),
  ];

  it("counts deals by their firmographics together, keeping no industry apart", () => {
    expect(
      firmographicCounts(deals).sort((a, b) => (a.industry ?? "").localeCompare(b.industry ?? "")),
    ).toEqual([
      { industry: null, companySize: "51-200", country: "US", count: 1 },
      { industry: "retail", companySize: "51-200", country: "US", count: 1 },
      { industry: "software", companySize: "51-200", country: "US", count: 4 },
    ]);
  });

  it("takes the middle value, or the mean of the two middle ones, of each group", () => {
    const { amounts, cycles } = medianBy(deals, "industry");
    // software amounts 1000, 2500, 3000 (one deal has none): 2500; cycles 10, 20, 30, 40: 25.
    expect(amounts).toEqual([
      { key: "software", median: 2500 },
      { key: "retail", median: 500 },
    ]);
    expect(cycles).toEqual([
      { key: "software", median: 25 },
      { key: null, median: 7 },
      { key: "retail", median: 5 },
    ]);
  });
});
