import { describe, expect, it } from "vitest";
import {
  addWorkingMinutes,
  DEFAULT_WORKING_HOURS,
  formatWorkingHours,
  parseWorkingHours,
  workingMinutesBetween,
  type WorkingCalendar,
} from "../../src/sla/clock.js";

const calendar = (over: Partial<WorkingCalendar> = {}): WorkingCalendar => ({
  hours: DEFAULT_WORKING_HOURS,
  timezone: "America/New_York",
  holidays: new Set(),
  ...over,
});
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe("addWorkingMinutes", () => {
  it("counts minutes straight through inside working hours", () => {
    // Tue 2026-03-03 10:00 EST = 15:00Z
    expect(iso(addWorkingMinutes(at("2026-03-03T15:00:00Z"), 5, calendar()))).toBe(
      "2026-03-03T15:05:00.000Z",
    );
  });

  it("starts the clock at 08:00 for a lead that arrives at 23:00", () => {
    // Tue 23:00 EST = Wed 04:00Z; Wed 08:05 EST = 13:05Z
    expect(iso(addWorkingMinutes(at("2026-03-04T04:00:00Z"), 5, calendar()))).toBe(
      "2026-03-04T13:05:00.000Z",
    );
  });

  it("carries what is left at 18:00 into the next working morning", () => {
    // Tue 17:58 EST: 2 minutes that day, 3 the next morning
    expect(iso(addWorkingMinutes(at("2026-03-03T22:58:00Z"), 5, calendar()))).toBe(
      "2026-03-04T13:03:00.000Z",
    );
  });

  it("skips the weekend: a lead on Friday evening is due on Monday morning", () => {
    // Fri 2026-03-06 19:00 EST -> Mon 2026-03-09 08:30 EDT (DST began on Sunday the 8th)
    expect(iso(addWorkingMinutes(at("2026-03-07T00:00:00Z"), 30, calendar()))).toBe(
      "2026-03-09T12:30:00.000Z",
    );
  });

  it("skips a lead that arrives on Saturday to Monday", () => {
    expect(iso(addWorkingMinutes(at("2026-03-14T15:00:00Z"), 5, calendar()))).toBe(
      "2026-03-16T12:05:00.000Z",
    );
  });

  it("skips the workspace's holidays", () => {
    const withHoliday = calendar({ holidays: new Set(["2026-03-09"]) });
    expect(iso(addWorkingMinutes(at("2026-03-07T00:00:00Z"), 5, withHoliday))).toBe(
      "2026-03-10T12:05:00.000Z",
    );
  });

  it("reads the hours in the given timezone", () => {
    const paris = calendar({ timezone: "Europe/Paris" });
    // Tue 2026-03-03 06:00Z = 07:00 in Paris: the clock starts at 08:00 (07:00Z)
    expect(iso(addWorkingMinutes(at("2026-03-03T06:00:00Z"), 5, paris))).toBe(
      "2026-03-03T07:05:00.000Z",
    );
  });

  it("runs around the clock when the hours are always", () => {
    const always = calendar({ hours: { kind: "always" } });
    expect(iso(addWorkingMinutes(at("2026-03-07T03:00:00Z"), 120, always))).toBe(
      "2026-03-07T05:00:00.000Z",
    );
  });

  it("counts real minutes for a lead that arrives in the repeated hour of a fall-back night", () => {
    // 2026-11-01 in New York: 01:00-02:00 happens twice. 06:30Z is 01:30 EST, the second pass.
    const allWeek = calendar({
      hours: { kind: "weekly", days: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 24 * 60 },
    });
    expect(iso(addWorkingMinutes(at("2026-11-01T06:30:00Z"), 5, allWeek))).toBe(
      "2026-11-01T06:35:00.000Z",
    );
    // And the first pass (01:30 EDT = 05:30Z): 60 minutes later is 01:30 EST
    expect(iso(addWorkingMinutes(at("2026-11-01T05:30:00Z"), 60, allWeek))).toBe(
      "2026-11-01T06:30:00.000Z",
    );
  });

  it("a fall-back day's window is an hour longer in real time", () => {
    const night = calendar({
      hours: { kind: "weekly", days: [7], startMinute: 0, endMinute: 4 * 60 },
    });
    // Sunday 2026-11-01 00:00-04:00 New York time is 04:00Z to 09:00Z: five real hours
    expect(
      workingMinutesBetween(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), night),
    ).toBe(300);
  });

  it("a window that starts in the skipped hour of a spring-forward night starts after the gap", () => {
    // 2026-03-08 in New York: 02:00-03:00 does not exist. A window from 02:30 starts at 03:30 EDT.
    const early = calendar({
      hours: { kind: "weekly", days: [7], startMinute: 2 * 60 + 30, endMinute: 6 * 60 },
    });
    // A lead at 01:45 EST (06:45Z) waits for 03:30 EDT (07:30Z)
    expect(iso(addWorkingMinutes(at("2026-03-08T06:45:00Z"), 5, early))).toBe(
      "2026-03-08T07:35:00.000Z",
    );
  });

  it("counts real minutes across the skipped hour of a spring-forward night", () => {
    const allWeek = calendar({
      hours: { kind: "weekly", days: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 24 * 60 },
    });
    // 01:58 EST (06:58Z) + 5 real minutes is 03:03 EDT (07:03Z)
    expect(iso(addWorkingMinutes(at("2026-03-08T06:58:00Z"), 5, allWeek))).toBe(
      "2026-03-08T07:03:00.000Z",
    );
  });

  it("finds no due time when every day is a holiday", () => {
    const none = calendar({ hours: { kind: "weekly", days: [], startMinute: 0, endMinute: 60 } });
    expect(addWorkingMinutes(at("2026-03-03T15:00:00Z"), 5, none)).toBeNull();
  });
});

describe("workingMinutesBetween", () => {
  it("counts only working time over a weekend", () => {
    // Fri 17:00 EST to Mon 09:00 EDT: one hour on Friday, one on Monday
    expect(
      workingMinutesBetween(at("2026-03-06T22:00:00Z"), at("2026-03-09T13:00:00Z"), calendar()),
    ).toBe(120);
  });

  it("is the inverse of addWorkingMinutes", () => {
    const from = at("2026-03-05T21:17:00Z");
    for (const minutes of [1, 5, 30, 120, 600, 1_000]) {
      const due = addWorkingMinutes(from, minutes, calendar())!;
      expect(workingMinutesBetween(from, due, calendar())).toBe(minutes);
    }
  });

  it("is zero when the end is not after the start", () => {
    expect(
      workingMinutesBetween(at("2026-03-05T15:00:00Z"), at("2026-03-05T14:00:00Z"), calendar()),
    ).toBe(0);
  });
});

describe("parseWorkingHours", () => {
  it("reads a day range and hours", () => {
    expect(parseWorkingHours("Mon-Fri 08:00-18:00")).toEqual({
      ok: true,
      hours: DEFAULT_WORKING_HOURS,
    });
  });

  it("reads day lists, wrapping ranges and always", () => {
    expect(parseWorkingHours("mon,wed,fri 9:00-17:30")).toEqual({
      ok: true,
      hours: { kind: "weekly", days: [1, 3, 5], startMinute: 540, endMinute: 1050 },
    });
    expect(parseWorkingHours("Sun-Thu 08:00-16:00")).toEqual({
      ok: true,
      hours: { kind: "weekly", days: [1, 2, 3, 4, 7], startMinute: 480, endMinute: 960 },
    });
    expect(parseWorkingHours("always")).toEqual({ ok: true, hours: { kind: "always" } });
  });

  it("refuses hours that end before they start, and unknown days", () => {
    expect(parseWorkingHours("Mon-Fri 18:00-08:00").ok).toBe(false);
    expect(parseWorkingHours("Mon-Fry 08:00-18:00").ok).toBe(false);
    expect(parseWorkingHours("weekdays").ok).toBe(false);
  });

  it("formats what it parses", () => {
    expect(formatWorkingHours(DEFAULT_WORKING_HOURS)).toBe("Mon-Fri 08:00-18:00");
    expect(formatWorkingHours({ kind: "always" })).toBe("always (24/7)");
  });
});
