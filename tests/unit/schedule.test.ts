import { describe, expect, it } from "vitest";
import { RecurrenceSchema, type Recurrence } from "../../src/cadences/recurrence.js";
import {
  holidayShift,
  nextDueFrom,
  nextDueWithHolidays,
  nextScheduled,
  scheduledBetween,
  upcomingScheduled,
  type Schedule,
} from "../../src/cadences/schedule.js";

const rule = (input: unknown): Recurrence => RecurrenceSchema.parse(input);
const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

function schedule(recurrence: Recurrence, extra: Partial<Schedule> = {}): Schedule {
  return {
    recurrence,
    timezone: "Europe/Berlin",
    exceptions: [],
    holidays: new Set(),
    holidayPolicy: "move",
    ...extra,
  };
}

const mondays = rule({ kind: "weekly", weekdays: ["monday"], time: "09:00" });

describe("the effective schedule", () => {
  it("follows the rhythm when nothing was changed", () => {
    const dates = upcomingScheduled(schedule(mondays), at("2026-11-30T00:00:00Z"), 3);
    expect(iso(dates)).toEqual([
      "2026-11-30T08:00:00.000Z",
      "2026-12-07T08:00:00.000Z",
      "2026-12-14T08:00:00.000Z",
    ]);
  });

  it("leaves a skipped occurrence out and fires a moved one at its new time", () => {
    const s = schedule(mondays, {
      exceptions: [
        { originalDueAt: at("2026-12-07T08:00:00Z"), kind: "skipped", movedToAt: null },
        {
          originalDueAt: at("2026-12-14T08:00:00Z"),
          kind: "moved",
          movedToAt: at("2026-12-16T13:30:00Z"),
        },
      ],
    });
    const found = scheduledBetween(s, at("2026-11-30T00:00:00Z"), at("2026-12-31T00:00:00Z"));
    expect(found.map((o) => [o.dueAt.toISOString(), o.shift])).toEqual([
      ["2026-11-30T08:00:00.000Z", null],
      ["2026-12-16T13:30:00.000Z", "moved"],
      ["2026-12-21T08:00:00.000Z", null],
      ["2026-12-28T08:00:00.000Z", null],
    ]);
    expect(found[1]!.originalDueAt.toISOString()).toBe("2026-12-14T08:00:00.000Z");
  });

  it("finds an occurrence moved earlier than the rhythm's next one, and one moved past the next", () => {
    const s = schedule(mondays, {
      exceptions: [
        {
          originalDueAt: at("2026-12-14T08:00:00Z"),
          kind: "moved",
          movedToAt: at("2026-12-02T15:00:00Z"),
        },
        {
          originalDueAt: at("2026-12-07T08:00:00Z"),
          kind: "moved",
          movedToAt: at("2026-12-22T08:00:00Z"),
        },
      ],
    });
    expect(iso(upcomingScheduled(s, at("2026-11-30T12:00:00Z"), 4))).toEqual([
      "2026-12-02T15:00:00.000Z",
      "2026-12-21T08:00:00.000Z",
      "2026-12-22T08:00:00.000Z",
      "2026-12-28T08:00:00.000Z",
    ]);
  });

  it("moves an occurrence on a holiday to the next working day, past weekends and other holidays", () => {
    // Friday 2026-12-25 and Monday 2026-12-28 are holidays: a Friday occurrence goes to Tuesday.
    const fridays = rule({ kind: "weekly", weekdays: ["friday"], time: "10:00" });
    const holidays = new Set(["2026-12-25", "2026-12-28"]);
    const s = schedule(fridays, { holidays });
    const next = nextScheduled(s, at("2026-12-19T00:00:00Z"));
    expect(next?.dueAt.toISOString()).toBe("2026-12-29T09:00:00.000Z");
    expect(next?.shift).toBe("holiday");
    expect(next?.originalDueAt.toISOString()).toBe("2026-12-25T09:00:00.000Z");
  });

  it("skips an occurrence on a holiday when the cadence says so", () => {
    const s = schedule(mondays, { holidays: new Set(["2026-12-07"]), holidayPolicy: "skip" });
    expect(iso(upcomingScheduled(s, at("2026-12-01T00:00:00Z"), 2))).toEqual([
      "2026-12-14T08:00:00.000Z",
      "2026-12-21T08:00:00.000Z",
    ]);
  });

  it("still finds a holiday-moved occurrence after its rhythm time has passed", () => {
    // Monday 09:00 is a holiday, moved to Tuesday 09:00; asked on Monday at noon.
    const s = schedule(mondays, { holidays: new Set(["2026-12-07"]) });
    expect(nextScheduled(s, at("2026-12-07T11:00:00Z"))?.dueAt.toISOString()).toBe(
      "2026-12-08T08:00:00.000Z",
    );
  });

  it("counts two occurrences a holiday pushed onto the same time once", () => {
    const monTue = rule({ kind: "weekly", weekdays: ["monday", "tuesday"], time: "09:00" });
    const s = schedule(monTue, { holidays: new Set(["2026-12-07"]) });
    expect(
      iso(
        scheduledBetween(s, at("2026-12-07T00:00:00Z"), at("2026-12-10T00:00:00Z")).map(
          (o) => o.dueAt,
        ),
      ),
    ).toEqual(["2026-12-08T08:00:00.000Z"]);
  });

  it("keeps local time when a holiday moves an occurrence across a daylight-saving change", () => {
    // Berlin leaves summer time on Sunday 2026-10-25: Friday 10:00 CEST moves to Monday 10:00 CET.
    const fridays = rule({ kind: "weekly", weekdays: ["friday"], time: "10:00" });
    const shifted = holidayShift(
      at("2026-10-23T08:00:00Z"),
      "Europe/Berlin",
      new Set(["2026-10-23"]),
      "move",
    );
    expect(shifted?.toISOString()).toBe("2026-10-26T09:00:00.000Z");
    expect(
      nextScheduled(
        schedule(fridays, { holidays: new Set(["2026-10-23"]) }),
        at("2026-10-20T00:00:00Z"),
      )?.dueAt.toISOString(),
    ).toBe("2026-10-26T09:00:00.000Z");
  });

  it("keeps month ends and leap days in the rhythm, and holidays on top", () => {
    const on31st = rule({ kind: "monthly", time: "09:00", on: { type: "day", day: 31 } });
    const s = schedule(on31st, { timezone: "UTC", holidays: new Set(["2028-02-29"]) });
    // 2028 is a leap year: the 31st becomes Feb 29, a holiday (Tuesday), so Wednesday Mar 1.
    expect(iso(upcomingScheduled(s, at("2028-01-15T00:00:00Z"), 3))).toEqual([
      "2028-01-31T09:00:00.000Z",
      "2028-03-01T09:00:00.000Z",
      "2028-03-31T09:00:00.000Z",
    ]);
  });

  it("keeps every-N-weeks anchored to its first week", () => {
    const fortnightly = rule({
      kind: "weekly",
      weekdays: ["thursday"],
      time: "14:00",
      everyWeeks: 2,
      anchor: "2026-12-03",
    });
    const s = schedule(fortnightly, {
      exceptions: [{ originalDueAt: at("2026-12-17T13:00:00Z"), kind: "skipped", movedToAt: null }],
    });
    expect(iso(upcomingScheduled(s, at("2026-12-01T00:00:00Z"), 3))).toEqual([
      "2026-12-03T13:00:00.000Z",
      "2026-12-31T13:00:00.000Z",
      "2027-01-14T13:00:00.000Z",
    ]);
  });

  it("moves a review counted from its last completion off a holiday", () => {
    const review = rule({ kind: "after-completion", months: 6, time: "10:00" });
    const s = schedule(review, { timezone: "UTC", holidays: new Set(["2027-05-30"]) });
    // Six months after 2026-11-30 is Sunday 2027-05-30, a holiday: the next working day, Monday.
    expect(
      nextDueFrom(s, at("2026-12-01T00:00:00Z"), at("2026-11-30T15:00:00Z"))?.toISOString(),
    ).toBe("2027-05-31T10:00:00.000Z");
    expect(nextScheduled(s, at("2026-12-01T00:00:00Z"))).toBeNull();
  });
  it("moves a holiday occurrence past a time another occurrence's skip or move holds on record", () => {
    // Mon+Tue 09:00; Monday Dec 14 is a holiday. Tuesday Dec 15's own occurrence was moved to
    // Thursday, so its time is on record as moved; the Monday goes on to Wednesday, where firing,
    // the feed and the Home tab can all keep it.
    const monTue = rule({ kind: "weekly", weekdays: ["monday", "tuesday"], time: "09:00" });
    const moved = schedule(monTue, {
      timezone: "UTC",
      holidays: new Set(["2026-12-14"]),
      exceptions: [
        {
          originalDueAt: at("2026-12-15T09:00:00Z"),
          kind: "moved",
          movedToAt: at("2026-12-17T15:00:00Z"),
        },
      ],
    });
    expect(
      scheduledBetween(moved, at("2026-12-14T00:00:00Z"), at("2026-12-19T00:00:00Z")).map((o) => [
        o.dueAt.toISOString(),
        o.shift,
      ]),
    ).toEqual([
      ["2026-12-16T09:00:00.000Z", "holiday"],
      ["2026-12-17T15:00:00.000Z", "moved"],
    ]);
    // The same when the Tuesday the holiday Monday merged into is skipped.
    const skipped = schedule(monTue, {
      timezone: "UTC",
      holidays: new Set(["2026-12-14"]),
      exceptions: [{ originalDueAt: at("2026-12-15T09:00:00Z"), kind: "skipped", movedToAt: null }],
    });
    expect(nextScheduled(skipped, at("2026-12-13T00:00:00Z"))?.dueAt.toISOString()).toBe(
      "2026-12-16T09:00:00.000Z",
    );
  });

  it("moves a next date off a new holiday, and a review's only off the holiday itself", () => {
    const holidays = new Set(["2026-12-07"]);
    // A weekly rhythm is read again with the holiday: Monday moves to Tuesday.
    expect(
      nextDueWithHolidays(
        schedule(mondays),
        holidays,
        at("2026-12-07T08:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        null,
      )?.toISOString(),
    ).toBe("2026-12-08T08:00:00.000Z");
    // A review moved by hand to Monday 15:00 keeps its time and steps to Tuesday 15:00; one not
    // on a holiday stays where it is.
    const review = schedule(rule({ kind: "after-completion", months: 6, time: "10:00" }));
    expect(
      nextDueWithHolidays(
        review,
        holidays,
        at("2026-12-07T14:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        at("2026-06-01T08:00:00Z"),
      )?.toISOString(),
    ).toBe("2026-12-08T14:00:00.000Z");
    expect(
      nextDueWithHolidays(
        review,
        holidays,
        at("2026-12-09T14:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        at("2026-06-01T08:00:00Z"),
      )?.toISOString(),
    ).toBe("2026-12-09T14:00:00.000Z");
  });
});
