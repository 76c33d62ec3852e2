import { describe, expect, it } from "vitest";
import { renderFeed, type FeedCadence } from "../../src/calendar/feed.js";
import { RecurrenceSchema } from "../../src/cadences/recurrence.js";
import type { Schedule } from "../../src/cadences/schedule.js";
import { icsEvents } from "../helpers/ics.js";

const NOW = new Date("2026-11-23T15:00:00Z");
const mondays = RecurrenceSchema.parse({ kind: "weekly", weekdays: ["monday"], time: "09:00" });
const afterCompletion = RecurrenceSchema.parse({
  kind: "after-completion",
  months: 6,
  time: "10:00",
});

function cadence(schedule: Partial<Schedule>, extra: Partial<FeedCadence> = {}): FeedCadence {
  return {
    id: "cad1",
    title: "Weekly funnel review",
    kind: "weekly_funnel_review",
    timezone: "America/New_York",
    schedule: {
      recurrence: mondays,
      timezone: "America/New_York",
      exceptions: [],
      holidays: new Set(),
      holidayPolicy: "move",
      ...schedule,
    },
    nextDueAt: new Date("2026-11-30T14:00:00Z"),
    lastCompletedAt: null,
    driSlackUserId: "U0BOB",
    backupSlackUserId: null,
    ...extra,
  };
}

const render = (...cadences: FeedCadence[]) =>
  icsEvents(
    renderFeed({
      name: "Cadence: Acme",
      cadences,
      nameOf: (id) => (id === "U0BOB" ? "Bob Demand" : id),
      now: NOW,
    }),
  );

/** The UID an event has at a rhythm time, whatever became of it. */
const uid = (rhythmTime: string) => `cad1-${new Date(rhythmTime).getTime()}@cadence`;

describe("the calendar feed", () => {
  it("lists the rhythm's dates, confirmed, with the DRI, when nothing was changed", () => {
    const events = render(cadence({}));
    expect(events.slice(0, 2)).toEqual([
      expect.objectContaining({
        UID: uid("2026-11-30T14:00:00Z"),
        DTSTART: "20261130T140000Z",
        DTEND: "20261130T143000Z",
        STATUS: "CONFIRMED",
        SUMMARY: "Weekly funnel review (DRI: Bob Demand)",
      }),
      expect.objectContaining({ UID: uid("2026-12-07T14:00:00Z"), DTSTART: "20261207T140000Z" }),
    ]);
    expect(events[0]!.DESCRIPTION!.split("\n").slice(0, 2)).toEqual([
      "DRI: Bob Demand",
      "Backup: none",
    ]);
  });

  it("sends a skipped occurrence as cancelled, under the UID it had, with the reason", () => {
    const events = render(
      cadence(
        {
          exceptions: [
            {
              originalDueAt: new Date("2026-11-30T14:00:00Z"),
              kind: "skipped",
              movedToAt: null,
            },
          ],
        },
        {
          nextDueAt: new Date("2026-12-07T14:00:00Z"),
          notes: new Map([[new Date("2026-11-30T14:00:00Z").getTime(), "team offsite, all day"]]),
        },
      ),
    );
    const skipped = events.find((e) => e.UID === uid("2026-11-30T14:00:00Z"))!;
    expect(skipped).toMatchObject({
      STATUS: "CANCELLED",
      DTSTART: "20261130T140000Z",
      SUMMARY: "Skipped: Weekly funnel review (DRI: Bob Demand)",
    });
    expect(skipped.DESCRIPTION!.split("\n").slice(0, 2)).toEqual([
      "Skipped",
      "Reason: team offsite, all day",
    ]);
    expect(events.filter((e) => e.STATUS === "CANCELLED")).toHaveLength(1);
    expect(events.find((e) => e.UID === uid("2026-12-07T14:00:00Z"))!.STATUS).toBe("CONFIRMED");
  });

  it("shows a moved occurrence at its new time under its rhythm time's UID, saying where from", () => {
    const events = render(
      cadence(
        {
          exceptions: [
            {
              originalDueAt: new Date("2026-11-30T14:00:00Z"),
              kind: "moved",
              movedToAt: new Date("2026-12-01T15:00:00Z"),
            },
          ],
        },
        { nextDueAt: new Date("2026-12-01T15:00:00Z") },
      ),
    );
    const moved = events.filter((e) => e.UID === uid("2026-11-30T14:00:00Z"));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ DTSTART: "20261201T150000Z", STATUS: "CONFIRMED" });
    expect(moved[0]!.DESCRIPTION!.split("\n")[0]).toBe("Moved from Mon, Nov 30, 09:00 EST");
    expect(events.map((e) => e.DTSTART).slice(0, 2)).toEqual([
      "20261201T150000Z",
      "20261207T140000Z",
    ]);
  });

  it("moves an occurrence off a holiday, or cancels it when the cadence skips holidays", () => {
    const holidays = new Set(["2026-12-07"]);
    const moved = render(cadence({ holidays })).find((e) => e.UID === uid("2026-12-07T14:00:00Z"))!;
    expect(moved).toMatchObject({ DTSTART: "20261208T140000Z", STATUS: "CONFIRMED" });
    expect(moved.DESCRIPTION!.split("\n")[0]).toBe("Moved from Mon, Dec 7, 09:00 EST (holiday)");
    const skipped = render(cadence({ holidays, holidayPolicy: "skip" })).find(
      (e) => e.UID === uid("2026-12-07T14:00:00Z"),
    )!;
    expect(skipped).toMatchObject({ DTSTART: "20261207T140000Z", STATUS: "CANCELLED" });
    expect(skipped.DESCRIPTION!.split("\n")[0]).toBe("Skipped: a holiday");
  });

  it("shows a review counted from its last completion once, at its moved date, under its first date's UID", () => {
    const events = render(
      cadence(
        {
          recurrence: afterCompletion,
          exceptions: [
            {
              originalDueAt: new Date("2027-01-04T15:00:00Z"),
              kind: "moved",
              movedToAt: new Date("2027-01-11T15:00:00Z"),
            },
          ],
        },
        { title: "ICP review", kind: "icp_review", nextDueAt: new Date("2027-01-11T15:00:00Z") },
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        UID: uid("2027-01-04T15:00:00Z"),
        DTSTART: "20270111T150000Z",
        STATUS: "CONFIRMED",
        DESCRIPTION: expect.stringMatching(/^Moved from Mon, Jan 4, 10:00 EST\n/),
      }),
    ]);
  });

  it("sends no event for a date nobody skipped before the next one (a cadence resumed late)", () => {
    const events = render(cadence({}, { nextDueAt: new Date("2026-12-07T14:00:00Z") }));
    expect(events[0]).toMatchObject({ DTSTART: "20261207T140000Z", STATUS: "CONFIRMED" });
    expect(events.some((e) => e.STATUS === "CANCELLED")).toBe(false);
  });

  it("has no events for a cadence with no next date", () => {
    expect(render(cadence({}, { nextDueAt: null }))).toEqual([]);
  });
});
