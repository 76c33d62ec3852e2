import { describe, expect, it } from "vitest";
import {
  canonicalTimezone,
  describeRecurrence,
  isValidTimezone,
  nextOccurrence,
  occurrencesBetween,
  RecurrenceSchema,
  STANDARD_RECURRENCES,
  type Recurrence,
  type Weekday,
} from "../../src/cadences/recurrence.js";

const NY = "America/New_York";
const LONDON = "Europe/London";
const PARIS = "Europe/Paris";
const SYDNEY = "Australia/Sydney";
const KOLKATA = "Asia/Kolkata";

// Small factories: every expected instant below is written out by hand.
const weekly = (weekdays: Weekday[], time: string, extra: object = {}): Recurrence =>
  RecurrenceSchema.parse({ kind: "weekly", weekdays, time, ...extra });
const monthly = (on: object, time: string, extra: object = {}): Recurrence =>
  RecurrenceSchema.parse({ kind: "monthly", on, time, ...extra });
const afterCompletion = (months: number, time: string): Recurrence =>
  RecurrenceSchema.parse({ kind: "after-completion", months, time });

const iso = (dates: Array<Date | null>) => dates.map((d) => d?.toISOString() ?? null);
const next = (rule: Recurrence, after: string, tz: string, completed?: string | null) =>
  nextOccurrence(
    rule,
    new Date(after),
    tz,
    completed == null ? completed : new Date(completed),
  )?.toISOString() ?? null;
const chain = (rule: Recurrence, from: string, count: number, tz: string): Date[] => {
  const out: Date[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i += 1) {
    at = nextOccurrence(rule, at, tz)!;
    out.push(at);
  }
  return out;
};
const between = (rule: Recurrence, from: string, to: string, tz: string, limit?: number) =>
  iso(occurrencesBetween(rule, new Date(from), new Date(to), tz, null, limit));

describe("Monday 09:00 America/New_York across both daylight-saving changes", () => {
  const mondays = STANDARD_RECURRENCES.weekly_funnel_review;
  const expected = [
    "2026-10-26T13:00:00.000Z", // EDT
    "2026-11-02T14:00:00.000Z", // EST from 2026-11-01
    "2026-11-09T14:00:00.000Z",
    "2026-11-16T14:00:00.000Z",
    "2026-11-23T14:00:00.000Z",
    "2026-11-30T14:00:00.000Z",
    "2026-12-07T14:00:00.000Z",
    "2026-12-14T14:00:00.000Z",
    "2026-12-21T14:00:00.000Z",
    "2026-12-28T14:00:00.000Z",
    "2027-01-04T14:00:00.000Z",
    "2027-01-11T14:00:00.000Z",
    "2027-01-18T14:00:00.000Z",
    "2027-01-25T14:00:00.000Z",
    "2027-02-01T14:00:00.000Z",
    "2027-02-08T14:00:00.000Z",
    "2027-02-15T14:00:00.000Z",
    "2027-02-22T14:00:00.000Z",
    "2027-03-01T14:00:00.000Z",
    "2027-03-08T14:00:00.000Z",
    "2027-03-15T13:00:00.000Z", // EDT from 2027-03-14
  ];

  it("chained nextOccurrence stays at 09:00 local", () => {
    expect(iso(chain(mondays, "2026-10-20T00:00:00Z", 21, NY))).toEqual(expected);
  });

  it("occurrencesBetween lists the same instants", () => {
    expect(between(mondays, "2026-10-20T00:00:00Z", "2027-03-16T00:00:00Z", NY)).toEqual(expected);
  });
});

describe("nextOccurrence is strictly after the instant asked about", () => {
  const mondays = STANDARD_RECURRENCES.weekly_funnel_review;
  it("skips an occurrence equal to `after`", () => {
    expect(next(mondays, "2026-11-02T14:00:00.000Z", NY)).toBe("2026-11-09T14:00:00.000Z");
  });
  it("returns an occurrence one millisecond after `after`", () => {
    expect(next(mondays, "2026-11-02T13:59:59.999Z", NY)).toBe("2026-11-02T14:00:00.000Z");
  });
  it("skips a monthly occurrence equal to `after`", () => {
    const winLoss = STANDARD_RECURRENCES.monthly_win_loss;
    expect(next(winLoss, "2026-12-01T15:00:00.000Z", NY)).toBe("2027-01-05T15:00:00.000Z");
  });
});

describe("weekly rules", () => {
  it("fires on several weekdays, in week order whatever order they are given", () => {
    const rule = weekly(["thursday", "monday"], "09:00");
    expect(iso(chain(rule, "2026-11-02T09:00:00Z", 3, "UTC"))).toEqual([
      "2026-11-05T09:00:00.000Z",
      "2026-11-09T09:00:00.000Z",
      "2026-11-12T09:00:00.000Z",
    ]);
  });

  it("every 2 weeks counts from the anchor's week (Europe/Paris, CEST then CET)", () => {
    const fortnightly = weekly(["tuesday"], "10:00", { everyWeeks: 2, anchor: "2026-10-20" });
    expect(iso(chain(fortnightly, "2026-10-19T00:00:00Z", 3, PARIS))).toEqual([
      "2026-10-20T08:00:00.000Z",
      "2026-11-03T09:00:00.000Z",
      "2026-11-17T09:00:00.000Z",
    ]);
    // Any date in the anchor week names the same week.
    const midWeekAnchor = weekly(["tuesday"], "10:00", { everyWeeks: 2, anchor: "2026-10-22" });
    expect(next(midWeekAnchor, "2026-10-19T00:00:00Z", PARIS)).toBe("2026-10-20T08:00:00.000Z");
  });

  it("every 2 weeks with an anchor in the future still keeps the parity", () => {
    // 2027-01-04 is 11 weeks after 2026-10-19: that week is off, the next one is on.
    const fortnightly = weekly(["tuesday"], "10:00", { everyWeeks: 2, anchor: "2027-01-05" });
    expect(next(fortnightly, "2026-10-19T00:00:00Z", PARIS)).toBe("2026-10-27T09:00:00.000Z");
  });

  it("Asia/Kolkata has no DST: 09:00 is always 03:30Z", () => {
    const rule = weekly(["monday"], "09:00");
    expect(next(rule, "2026-10-27T00:00:00Z", KOLKATA)).toBe("2026-11-02T03:30:00.000Z");
    expect(next(rule, "2027-03-09T00:00:00Z", KOLKATA)).toBe("2027-03-15T03:30:00.000Z");
  });

  it("Australia/Sydney: DST ends in April and starts in October", () => {
    const rule = weekly(["monday"], "09:00");
    expect(iso(chain(rule, "2026-03-25T00:00:00Z", 2, SYDNEY))).toEqual([
      "2026-03-29T22:00:00.000Z", // Mon 30 Mar, AEDT +11
      "2026-04-05T23:00:00.000Z", // Mon 6 Apr, AEST +10
    ]);
    expect(iso(chain(rule, "2026-09-25T00:00:00Z", 2, SYDNEY))).toEqual([
      "2026-09-27T23:00:00.000Z", // Mon 28 Sep, AEST +10
      "2026-10-04T22:00:00.000Z", // Mon 5 Oct, AEDT +11
    ]);
  });
});

describe("monthly rules", () => {
  it("first Tuesday of the month at 10:00 America/New_York, across DST", () => {
    expect(
      iso(chain(STANDARD_RECURRENCES.monthly_win_loss, "2026-11-23T00:00:00Z", 5, NY)),
    ).toEqual([
      "2026-12-01T15:00:00.000Z",
      "2027-01-05T15:00:00.000Z",
      "2027-02-02T15:00:00.000Z",
      "2027-03-02T15:00:00.000Z",
      "2027-04-06T14:00:00.000Z",
    ]);
  });

  it("last Friday of the month, in UTC and in Europe/London across BST's end", () => {
    const lastFriday = monthly({ type: "weekday", nth: -1, weekday: "friday" }, "15:00");
    expect(iso(chain(lastFriday, "2027-01-01T00:00:00Z", 2, "UTC"))).toEqual([
      "2027-01-29T15:00:00.000Z",
      "2027-02-26T15:00:00.000Z",
    ]);
    expect(iso(chain(lastFriday, "2026-09-01T00:00:00Z", 2, LONDON))).toEqual([
      "2026-09-25T14:00:00.000Z", // BST
      "2026-10-30T15:00:00.000Z", // GMT from 2026-10-25
    ]);
  });

  it("day 31 is clamped to the last day of shorter months, leap years included", () => {
    const monthEnd = monthly({ type: "day", day: 31 }, "09:00");
    expect(iso(chain(monthEnd, "2027-01-31T09:00:00Z", 3, "UTC"))).toEqual([
      "2027-02-28T09:00:00.000Z",
      "2027-03-31T09:00:00.000Z",
      "2027-04-30T09:00:00.000Z",
    ]);
    expect(next(monthEnd, "2028-02-01T00:00:00Z", "UTC")).toBe("2028-02-29T09:00:00.000Z");
  });

  it("every 3rd month from January: the quarterly diagnostic", () => {
    const quarterly = STANDARD_RECURRENCES.quarterly_alignment_diagnostic;
    expect(iso(chain(quarterly, "2026-11-23T00:00:00Z", 4, NY))).toEqual([
      "2027-01-05T16:00:00.000Z", // 11:00 EST
      "2027-04-06T15:00:00.000Z", // 11:00 EDT
      "2027-07-06T15:00:00.000Z",
      "2027-10-05T15:00:00.000Z",
    ]);
  });

  it("every 3rd month from February: Feb, May, Aug, Nov", () => {
    const rule = monthly({ type: "day", day: 15 }, "12:00", { everyMonths: 3, startMonth: 2 });
    expect(between(rule, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "UTC")).toEqual([
      "2027-02-15T12:00:00.000Z",
      "2027-05-15T12:00:00.000Z",
      "2027-08-15T12:00:00.000Z",
      "2027-11-15T12:00:00.000Z",
    ]);
  });
});

describe("wall-clock times that do not exist or happen twice", () => {
  it("moves 02:30 on the spring-forward Sunday to 03:30 EDT (America/New_York)", () => {
    expect(next(weekly(["sunday"], "02:30"), "2027-03-13T00:00:00Z", NY)).toBe(
      "2027-03-14T07:30:00.000Z",
    );
    expect(next(monthly({ type: "day", day: 14 }, "02:30"), "2027-03-01T00:00:00Z", NY)).toBe(
      "2027-03-14T07:30:00.000Z",
    );
  });

  it("takes the first (EDT) of the two 01:30s on the fall-back Sunday (America/New_York)", () => {
    expect(next(weekly(["sunday"], "01:30"), "2026-10-31T00:00:00Z", NY)).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  it("fires an ambiguous time once: after the first 01:30 comes next week's", () => {
    expect(next(weekly(["sunday"], "01:30"), "2026-11-01T05:30:00Z", NY)).toBe(
      "2026-11-08T06:30:00.000Z",
    );
  });

  it("does the same in Europe/London (01:30 gap in March, 01:30 twice in October)", () => {
    const rule = weekly(["sunday"], "01:30");
    expect(next(rule, "2027-03-27T00:00:00Z", LONDON)).toBe("2027-03-28T01:30:00.000Z"); // 02:30 BST
    expect(next(rule, "2026-10-24T00:00:00Z", LONDON)).toBe("2026-10-25T00:30:00.000Z"); // BST
  });

  it("does the same in Australia/Sydney (gap in October, overlap in April)", () => {
    const rule = weekly(["sunday"], "02:30");
    expect(next(rule, "2026-10-01T00:00:00Z", SYDNEY)).toBe("2026-10-03T16:30:00.000Z"); // 03:30 AEDT
    expect(next(rule, "2026-04-01T00:00:00Z", SYDNEY)).toBe("2026-04-04T15:30:00.000Z"); // AEDT
  });
});

describe("after-completion rules", () => {
  const review = STANDARD_RECURRENCES.icp_review;
  const sixMonthsAt10 = afterCompletion(6, "10:00");

  it("is first due at its time of day, today or tomorrow, when never completed", () => {
    // 07:00 EST: today at 10:00. 12:45 EST: tomorrow at 10:00.
    expect(next(review, "2026-11-23T12:00:00.000Z", NY, null)).toBe("2026-11-23T15:00:00.000Z");
    expect(next(review, "2026-11-23T17:45:00.000Z", NY)).toBe("2026-11-24T15:00:00.000Z");
  });

  it("is due `months` after the completion's local date, at the rule's time", () => {
    expect(next(sixMonthsAt10, "2026-06-01T00:00:00Z", NY, "2026-05-20T15:00:00Z")).toBe(
      "2026-11-20T15:00:00.000Z", // 10:00 EST
    );
  });

  it("uses the local date of the completion, not the UTC date", () => {
    // 2026-05-21T02:00Z is 22:00 on 20 May in New York.
    expect(next(sixMonthsAt10, "2026-06-01T00:00:00Z", NY, "2026-05-21T02:00:00Z")).toBe(
      "2026-11-20T15:00:00.000Z",
    );
  });

  it("clamps to the end of a shorter month (31 Aug + 6 months = 28 Feb)", () => {
    expect(next(sixMonthsAt10, "2026-09-01T00:00:00Z", NY, "2026-08-31T14:00:00Z")).toBe(
      "2027-02-28T15:00:00.000Z",
    );
  });

  it("returns an overdue due date even when it is at or before `after`", () => {
    expect(next(sixMonthsAt10, "2027-01-01T00:00:00Z", NY, "2026-05-20T15:00:00Z")).toBe(
      "2026-11-20T15:00:00.000Z",
    );
    expect(next(sixMonthsAt10, "2026-11-20T15:00:00Z", NY, "2026-05-20T15:00:00Z")).toBe(
      "2026-11-20T15:00:00.000Z",
    );
  });

  it("occurrencesBetween returns the due date when in range, else nothing", () => {
    const completed = new Date("2026-05-20T15:00:00Z");
    const range = (from: string, to: string, done: Date | null) =>
      iso(occurrencesBetween(sixMonthsAt10, new Date(from), new Date(to), NY, done));
    expect(range("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", completed)).toEqual([
      "2026-11-20T15:00:00.000Z",
    ]);
    expect(range("2026-11-20T15:00:00Z", "2026-11-21T00:00:00Z", completed)).toHaveLength(1);
    expect(range("2026-11-01T00:00:00Z", "2026-11-20T15:00:00Z", completed)).toEqual([]);
    expect(range("2026-12-01T00:00:00Z", "2027-12-01T00:00:00Z", completed)).toEqual([]);
    expect(range("2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z", null)).toEqual([]);
  });
});

describe("occurrencesBetween", () => {
  const mondays = STANDARD_RECURRENCES.weekly_funnel_review;
  it("includes `from` and excludes `to`", () => {
    expect(between(mondays, "2026-11-02T14:00:00Z", "2026-11-16T14:00:00Z", NY)).toEqual([
      "2026-11-02T14:00:00.000Z",
      "2026-11-09T14:00:00.000Z",
    ]);
  });
  it("stops at `limit`", () => {
    expect(between(mondays, "2026-11-01T00:00:00Z", "2027-11-01T00:00:00Z", NY, 2)).toEqual([
      "2026-11-02T14:00:00.000Z",
      "2026-11-09T14:00:00.000Z",
    ]);
  });
  it("is empty for an empty or reversed range", () => {
    expect(between(mondays, "2026-11-03T00:00:00Z", "2026-11-03T00:00:00Z", NY)).toEqual([]);
    expect(between(mondays, "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z", NY)).toEqual([]);
  });
});

describe("timezones", () => {
  it("accepts IANA names and refuses the rest", () => {
    for (const tz of [NY, LONDON, KOLKATA, SYDNEY, "UTC", "Etc/GMT+5"])
      expect(isValidTimezone(tz)).toBe(true);
    for (const tz of ["", "Mars/Olympus", "local", "UTC+5", "EST+5"])
      expect(isValidTimezone(tz)).toBe(false);
  });
  it("throws a clear error for an unknown timezone instead of returning a bad date", () => {
    const mondays = STANDARD_RECURRENCES.weekly_funnel_review;
    expect(() => nextOccurrence(mondays, new Date(), "Mars/Olympus")).toThrow(/unknown IANA/);
    expect(() =>
      occurrencesBetween(STANDARD_RECURRENCES.icp_review, new Date(0), new Date(), "nowhere"),
    ).toThrow(/unknown IANA/);
  });
});

describe("describeRecurrence", () => {
  it.each([
    [weekly(["monday"], "09:00"), NY, "Mondays at 09:00 America/New_York"],
    [weekly(["thursday", "monday"], "09:00"), "UTC", "Mondays and Thursdays at 09:00 UTC"],
    [
      weekly(["friday", "monday", "wednesday"], "08:30"),
      "UTC",
      "Mondays, Wednesdays and Fridays at 08:30 UTC",
    ],
    [
      weekly(["tuesday"], "10:00", { everyWeeks: 2 }),
      PARIS,
      "every 2 weeks on Tuesdays at 10:00 Europe/Paris",
    ],
    [
      STANDARD_RECURRENCES.monthly_win_loss,
      NY,
      "first Tuesday of the month at 10:00 America/New_York",
    ],
    [
      monthly({ type: "weekday", nth: -1, weekday: "friday" }, "15:00", { everyMonths: 3 }),
      "UTC",
      "last Friday of each quarter (Jan, Apr, Jul, Oct) at 15:00 UTC",
    ],
    [
      monthly({ type: "weekday", nth: 2, weekday: "monday" }, "09:00", {
        everyMonths: 2,
        startMonth: 2,
      }),
      "UTC",
      "second Monday of every 2nd month (Feb, Apr, Jun, Aug, Oct, Dec) at 09:00 UTC",
    ],
    [monthly({ type: "day", day: 1 }, "09:00"), "UTC", "on the 1st of each month at 09:00 UTC"],
    [
      monthly({ type: "day", day: 22 }, "09:00", { everyMonths: 6, startMonth: 3 }),
      "UTC",
      "on the 22nd of every 6th month (Mar, Sep) at 09:00 UTC",
    ],
    [
      afterCompletion(6, "09:00"),
      NY,
      "6 months after the last completion, at 09:00 America/New_York",
    ],
    [afterCompletion(1, "09:00"), "UTC", "1 month after the last completion, at 09:00 UTC"],
  ])("%j in %s reads %j", (rule, tz, text) => {
    expect(describeRecurrence(rule, tz)).toBe(text);
  });
});

describe("RecurrenceSchema", () => {
  const valid = { kind: "weekly", weekdays: ["monday"], time: "09:00" };
  it("fills the defaults", () => {
    expect(RecurrenceSchema.parse(valid)).toEqual({
      ...valid,
      everyWeeks: 1,
      anchor: "2026-01-05",
    });
    expect(
      RecurrenceSchema.parse({ kind: "monthly", time: "09:00", on: { type: "day", day: 1 } }),
    ).toEqual({
      kind: "monthly",
      time: "09:00",
      on: { type: "day", day: 1 },
      everyMonths: 1,
      startMonth: 1,
    });
  });

  it.each([
    ["time 25:00", { ...valid, time: "25:00" }],
    ["time without a leading zero", { ...valid, time: "9:00" }],
    ["empty weekdays", { ...valid, weekdays: [] }],
    ["repeated weekdays", { ...valid, weekdays: ["monday", "monday"] }],
    ["everyWeeks 9", { ...valid, everyWeeks: 9 }],
    ["an anchor that is not a date", { ...valid, anchor: "2026-02-30" }],
    [
      "nth 5",
      { kind: "monthly", time: "09:00", on: { type: "weekday", nth: 5, weekday: "monday" } },
    ],
    ["day 32", { kind: "monthly", time: "09:00", on: { type: "day", day: 32 } }],
    [
      "everyMonths 0",
      { kind: "monthly", time: "09:00", on: { type: "day", day: 1 }, everyMonths: 0 },
    ],
    ["months 0", { kind: "after-completion", months: 0, time: "09:00" }],
    ["months 25", { kind: "after-completion", months: 25, time: "09:00" }],
    ["an unknown kind", { kind: "daily", time: "09:00" }],
  ])("rejects %s", (_name, input) => {
    expect(RecurrenceSchema.safeParse(input).success).toBe(false);
  });
});

describe("standard recurrences", () => {
  it("are the rhythms the playbook names", () => {
    expect(STANDARD_RECURRENCES).toEqual({
      weekly_funnel_review: weekly(["monday"], "09:00"),
      monthly_win_loss: monthly({ type: "weekday", nth: 1, weekday: "tuesday" }, "10:00"),
      monthly_content_in_the_wild: monthly(
        { type: "weekday", nth: 1, weekday: "wednesday" },
        "10:00",
      ),
      mql_definition_review: afterCompletion(6, "10:00"),
      icp_review: afterCompletion(6, "10:00"),
      quarterly_alignment_diagnostic: monthly(
        { type: "weekday", nth: 1, weekday: "tuesday" },
        "11:00",
        { everyMonths: 3, startMonth: 1 },
      ),
    });
  });
});

describe("invariants over 200 consecutive occurrences", () => {
  // Read local wall time with Intl, independently of luxon.
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const wallTime = (date: Date, tz: string) => {
    const options = { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" } as const;
    if (!formatters.has(tz)) formatters.set(tz, new Intl.DateTimeFormat("en-GB", options));
    return formatters.get(tz)!.format(date);
  };
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  // A time skipped by spring-forward lands later by the gap, never earlier, never over an hour.
  const inGapShift = (actual: string, wanted: string) =>
    minutes(actual) > minutes(wanted) && minutes(actual) - minutes(wanted) <= 60;

  const rules: Array<[string, Recurrence]> = [
    ...Object.entries(STANDARD_RECURRENCES),
    ["Sundays at 02:30 (hits DST gaps)", weekly(["sunday"], "02:30")],
  ];
  const zones = [NY, LONDON, SYDNEY, KOLKATA];

  it.each(rules)("%s: strictly increasing, at the rule's local time", (_name, rule) => {
    for (const tz of zones) {
      let at = new Date("2026-01-01T00:00:00Z");
      let completed = at; // ignored by calendar rules
      let gapShifts = 0;
      for (let i = 0; i < 200; i += 1) {
        // A completion-based rule moves on only when done: complete each one when due.
        const due = nextOccurrence(rule, at, tz, completed)!;
        expect(due.getTime()).toBeGreaterThan(at.getTime());
        const local = wallTime(due, tz);
        if (local !== rule.time) {
          expect(inGapShift(local, rule.time)).toBe(true);
          gapShifts += 1;
        }
        at = due;
        completed = due;
      }
      // Only a 02:30 rule in a zone that springs forward at 02:00 shifts: once a year, in
      // 2026-2029 (New York in March, Sydney in October).
      const springsOverIt = rule.time === "02:30" && (tz === NY || tz === SYDNEY);
      expect(gapShifts).toBe(springsOverIt ? 4 : 0);
    }
  });
});

describe("timezone names", () => {
  it("spells a zone as the runtime does, keeps other valid names as typed, refuses the rest", () => {
    expect(canonicalTimezone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimezone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimezone("CET")).toBe("CET");
    expect(canonicalTimezone("Mars/Olympus")).toBeNull();
  });
});
