import { describe, expect, it } from "vitest";
import {
  describeRecurrence,
  nextOccurrence,
  occurrencesBetween,
  RecurrenceSchema,
  STANDARD_RECURRENCES,
  type Recurrence,
} from "../../src/cadences/recurrence.js";

const NY = "America/New_York";
const mondays = STANDARD_RECURRENCES.weekly_funnel_review;
const iso = (dates: Array<Date | null>) => dates.map((d) => d?.toISOString());
const chain = (rule: Recurrence, from: string, count: number, tz: string) => {
  const out: Date[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i += 1) {
    at = nextOccurrence(rule, at, tz)!;
    out.push(at);
  }
  return out;
};

describe("Monday 09:00 America/New_York across daylight saving", () => {
  it("fires at 09:00 local on both sides of 2026-11-01 (EDT -> EST)", () => {
    const expected = [
      "2026-10-19T13:00:00.000Z",
      "2026-10-26T13:00:00.000Z",
      "2026-11-02T14:00:00.000Z",
      "2026-11-09T14:00:00.000Z",
    ];
    expect(iso(chain(mondays, "2026-10-13T00:00:00Z", 4, NY))).toEqual(expected);
    expect(
      iso(
        occurrencesBetween(
          mondays,
          new Date("2026-10-13T00:00:00Z"),
          new Date("2026-11-10T00:00:00Z"),
          NY,
        ),
      ),
    ).toEqual(expected);
  });

  it("fires at 09:00 local on both sides of 2027-03-14 (EST -> EDT)", () => {
    const expected = [
      "2027-03-01T14:00:00.000Z",
      "2027-03-08T14:00:00.000Z",
      "2027-03-15T13:00:00.000Z",
      "2027-03-22T13:00:00.000Z",
    ];
    expect(iso(chain(mondays, "2027-02-25T00:00:00Z", 4, NY))).toEqual(expected);
  });

  it("is strictly after the instant asked about", () => {
    expect(nextOccurrence(mondays, new Date("2026-11-02T14:00:00Z"), NY)?.toISOString()).toBe(
      "2026-11-09T14:00:00.000Z",
    );
    expect(nextOccurrence(mondays, new Date("2026-11-02T13:59:59Z"), NY)?.toISOString()).toBe(
      "2026-11-02T14:00:00.000Z",
    );
  });
});

describe("wall-clock times that do not exist or happen twice", () => {
  const at = (weekday: "sunday", time: string): Recurrence =>
    RecurrenceSchema.parse({ kind: "weekly", weekdays: [weekday], time });
  it("moves 02:30 on the spring-forward Sunday to 03:30 EDT", () => {
    expect(
      nextOccurrence(at("sunday", "02:30"), new Date("2027-03-13T00:00:00Z"), NY)?.toISOString(),
    ).toBe("2027-03-14T07:30:00.000Z");
  });
  it("takes the first of the two 01:30s on the fall-back Sunday (EDT)", () => {
    expect(
      nextOccurrence(at("sunday", "01:30"), new Date("2026-10-31T00:00:00Z"), NY)?.toISOString(),
    ).toBe("2026-11-01T05:30:00.000Z");
  });
});

describe("monthly, quarterly and completion-based rules", () => {
  it("first Tuesday of the month at 10:00", () => {
    expect(
      iso(chain(STANDARD_RECURRENCES.monthly_win_loss, "2026-11-23T00:00:00Z", 3, NY)),
    ).toEqual(["2026-12-01T15:00:00.000Z", "2027-01-05T15:00:00.000Z", "2027-02-02T15:00:00.000Z"]);
  });

  it("last Friday, and the 31st clamped to short months", () => {
    const lastFriday = RecurrenceSchema.parse({
      kind: "monthly",
      time: "15:00",
      on: { type: "weekday", nth: -1, weekday: "friday" },
    });
    expect(iso(chain(lastFriday, "2027-01-01T00:00:00Z", 2, "UTC"))).toEqual([
      "2027-01-29T15:00:00.000Z",
      "2027-02-26T15:00:00.000Z",
    ]);
    const monthEnd = RecurrenceSchema.parse({
      kind: "monthly",
      time: "09:00",
      on: { type: "day", day: 31 },
    });
    expect(iso(chain(monthEnd, "2027-01-31T10:00:00Z", 2, "UTC"))).toEqual([
      "2027-02-28T09:00:00.000Z",
      "2027-03-31T09:00:00.000Z",
    ]);
  });

  it("every quarter: the first Tuesday of January, April, July and October", () => {
    expect(
      iso(
        chain(STANDARD_RECURRENCES.quarterly_alignment_diagnostic, "2026-11-23T00:00:00Z", 2, NY),
      ),
    ).toEqual(["2027-01-05T16:00:00.000Z", "2027-04-06T15:00:00.000Z"]);
  });

  it("every other week from an anchor week, and a zone without DST (+05:30)", () => {
    const fortnightly = RecurrenceSchema.parse({
      kind: "weekly",
      weekdays: ["tuesday"],
      time: "10:00",
      everyWeeks: 2,
      anchor: "2026-11-02",
    });
    expect(iso(chain(fortnightly, "2026-11-01T00:00:00Z", 3, "Asia/Kolkata"))).toEqual([
      "2026-11-03T04:30:00.000Z",
      "2026-11-17T04:30:00.000Z",
      "2026-12-01T04:30:00.000Z",
    ]);
  });

  it("six months after the last completion, or at its next time of day when never done", () => {
    const review = STANDARD_RECURRENCES.icp_review;
    const now = new Date("2026-11-23T12:00:00Z");
    expect(nextOccurrence(review, now, NY, null)?.toISOString()).toBe("2026-11-23T15:00:00.000Z");
    expect(nextOccurrence(review, now, NY, new Date("2026-05-20T15:00:00Z"))?.toISOString()).toBe(
      "2026-11-20T15:00:00.000Z",
    );
    expect(occurrencesBetween(review, now, new Date("2027-12-01T00:00:00Z"), NY, null)).toEqual([]);
  });

  it("reads as people say it", () => {
    expect(describeRecurrence(mondays, NY)).toBe("Mondays at 09:00 America/New_York");
    expect(describeRecurrence(STANDARD_RECURRENCES.monthly_win_loss, "UTC")).toBe(
      "first Tuesday of the month at 10:00 UTC",
    );
    expect(describeRecurrence(STANDARD_RECURRENCES.quarterly_alignment_diagnostic, NY)).toBe(
      "first Tuesday of each quarter (Jan, Apr, Jul, Oct) at 11:00 America/New_York",
    );
    expect(describeRecurrence(STANDARD_RECURRENCES.icp_review, NY)).toBe(
      "6 months after the last completion, at 10:00 America/New_York",
    );
  });

  it("refuses malformed rules", () => {
    expect(
      RecurrenceSchema.safeParse({ kind: "weekly", weekdays: ["monday"], time: "25:00" }).success,
    ).toBe(false);
    expect(
      RecurrenceSchema.safeParse({ kind: "weekly", weekdays: [], time: "09:00" }).success,
    ).toBe(false);
    expect(
      RecurrenceSchema.safeParse({
        kind: "monthly",
        time: "09:00",
        on: { type: "weekday", nth: 5, weekday: "monday" },
      }).success,
    ).toBe(false);
    expect(
      RecurrenceSchema.safeParse({ kind: "after-completion", months: 0, time: "09:00" }).success,
    ).toBe(false);
  });

  it("always moves forward and keeps the local time (200 occurrences, several zones)", () => {
    for (const rule of Object.values(STANDARD_RECURRENCES).filter(
      (r) => r.kind !== "after-completion",
    )) {
      for (const tz of [NY, "Europe/London", "Australia/Sydney", "Asia/Kolkata"]) {
        const dates = chain(rule, "2026-01-01T00:00:00Z", 200, tz);
        for (let i = 1; i < dates.length; i += 1)
          expect(dates[i]!.getTime()).toBeGreaterThan(dates[i - 1]!.getTime());
        const local = new Intl.DateTimeFormat("en-GB", {
          timeZone: tz,
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        });
        for (const date of dates) expect(local.format(date)).toBe(rule.time);
      }
    }
  });
});
