import { describe, expect, it } from "vitest";
import {
  median,
  nearestRank,
  rejectionReasons,
  speedToLeadStats,
  sumDecimals,
} from "../../src/digest/metrics.js";
import { completeMonthsBefore, lastCompleteWeek, weekContaining } from "../../src/digest/week.js";

const NY = "America/New_York";
const minutes = (m: number) => m * 60_000;
const response = (ms: number | null) => ({ owner: null, team: null, source: null, responseMs: ms });

describe("median and p90", () => {
  it("median: the middle value, or the mean of the two middle values; null when empty", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 4, 10])).toBe(3);
  });

  it("p90 by nearest rank: ceil(0.9 n)-th smallest", () => {
    expect(nearestRank([], 0.9)).toBeNull();
    expect(nearestRank([5], 0.9)).toBe(5);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
  });
});

describe("speed to lead", () => {
  it("counts exactly 5 minutes inside the SLA and 5 minutes 1 ms outside", () => {
    const stats = speedToLeadStats([response(minutes(5)), response(minutes(5) + 1)], 5);
    expect(stats.slaCompliance).toBe(0.5);
  });

  it("an untouched MQL is a breach and is left out of the median; a touch before the MQL is 0", () => {
    const stats = speedToLeadStats(
      [response(null), response(-minutes(30)), response(minutes(10))],
      5,
    );
    expect(stats).toEqual({
      mqls: 3,
      untouched: 1,
      medianMinutes: 5,
      p90Minutes: 10,
      slaCompliance: 1 / 3,
    });
  });

  it("no MQLs: nulls, not NaN or 0", () => {
    expect(speedToLeadStats([], 5)).toEqual({
      mqls: 0,
      untouched: 0,
      medianMinutes: null,
      p90Minutes: null,
      slaCompliance: null,
    });
  });

  it("only untouched MQLs: no median, compliance 0", () => {
    expect(speedToLeadStats([response(null)], 5)).toMatchObject({
      medianMinutes: null,
      slaCompliance: 0,
    });
  });
});

describe("rejection reasons and amounts", () => {
  it("sorts by count descending, then reason ascending, with each share of the total", () => {
    expect(
      rejectionReasons([
        { reason: "timing", count: 1 },
        { reason: "no budget", count: 2 },
        { reason: "bad fit", count: 1 },
      ]),
    ).toEqual([
      { reason: "no budget", count: 2, share: 0.5 },
      { reason: "bad fit", count: 1, share: 0.25 },
      { reason: "timing", count: 1, share: 0.25 },
    ]);
  });

  it("sums decimal amounts exactly", () => {
    expect(sumDecimals([])).toBe(0);
    expect(sumDecimals(["0.1", "0.2"])).toBe(0.3);
    expect(sumDecimals(["1000.10", "0.2", "-0.05", "5000"])).toBe(6000.25);
  });
});

describe("weeks and months in the workspace's timezone", () => {
  it("a week runs from Monday 00:00 local to the next Monday 00:00 local", () => {
    const week = weekContaining("2026-11-22", NY); // a Sunday
    expect(week).toMatchObject({ startDate: "2026-11-16", endDate: "2026-11-22", timezone: NY });
    expect(week.start.toISOString()).toBe("2026-11-16T05:00:00.000Z");
    expect(week.end.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(weekContaining("2026-11-23", NY).startDate).toBe("2026-11-23");
  });

  it("the week daylight saving ends in is 169 hours; the one it starts in, 167", () => {
    const autumn = weekContaining("2026-10-28", NY);
    expect(autumn.start.toISOString()).toBe("2026-10-26T04:00:00.000Z");
    expect(autumn.end.toISOString()).toBe("2026-11-02T05:00:00.000Z");
    const spring = weekContaining("2027-03-10", NY);
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(167);
  });

  it("Monday's digest reports the week that just ended", () => {
    // Monday 2026-11-23 09:00 New York.
    expect(lastCompleteWeek(new Date("2026-11-23T14:00:00Z"), NY).startDate).toBe("2026-11-16");
    // Sunday 23:30 New York is still in the week of the 16th: the last complete one is the 9th.
    expect(lastCompleteWeek(new Date("2026-11-23T04:30:00Z"), NY).startDate).toBe("2026-11-09");
  });

  it("the last two complete months before a week's end", () => {
    const months = (iso: string) => completeMonthsBefore(new Date(iso), NY, 2).map((m) => m.month);
    expect(months("2026-11-23T05:00:00Z")).toEqual(["2026-09", "2026-10"]);
    // A week ending exactly at the start of December (local) completes November.
    expect(months("2026-12-01T05:00:00Z")).toEqual(["2026-10", "2026-11"]);
    expect(months("2027-01-04T05:00:00Z")).toEqual(["2026-11", "2026-12"]);
  });
});
