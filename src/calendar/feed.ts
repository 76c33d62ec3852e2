// The calendar (ICS) feed: every upcoming occurrence of a workspace's cadences, or of one
// person's, with the DRI's name in the event, so the rituals sit in the calendars people use.
// Dates come from the effective schedule (src/cadences/schedule.ts): a moved occurrence keeps the
// UID of its rhythm time, so calendar apps move the event; a skipped one is sent as cancelled.
// Pure: takes cadences with their schedules and names, returns the ICS text.
import { createHash, randomBytes } from "node:crypto";
import ical, { ICalEventStatus } from "ical-generator";
import { purposeOf } from "../cadences/kinds.js";
import { occurrencesBetween } from "../cadences/recurrence.js";
import { localDate, scheduledBetween, type Schedule } from "../cadences/schedule.js";
import { formatInstant } from "../cadences/views.js";

/** How far ahead the feed looks, and how long each event lasts. */
export const FEED_HORIZON_DAYS = 180;
export const EVENT_MINUTES = 30;

export interface FeedCadence {
  id: string;
  title: string;
  kind: string;
  /** The effective schedule: rhythm, skipped and moved occurrences, holidays. */
  schedule: Schedule;
  timezone: string;
  nextDueAt: Date | null;
  lastCompletedAt: Date | null;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
  /** Reasons people gave for skipping or moving an occurrence, by its rhythm time (ms). */
  notes?: ReadonlyMap<number, string>;
}

/** The secret in a feed URL: 32 random bytes. Only its hash is stored. */
export function newFeedToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashFeedToken(token) };
}

export function hashFeedToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** One event of the feed. */
export interface FeedEvent {
  /** Stable across moves: the cadence and the rhythm time the occurrence stands for. */
  uid: string;
  start: Date;
  cancelled: boolean;
  /** Why it is not at its rhythm time: a person moved it, or a holiday did. */
  shift: "moved" | "holiday" | null;
  originalDueAt: Date;
  /** What happened to it, said in the event's description: "Moved from Mon, Nov 30, …". */
  change: string | null;
}

const eventUid = (cadenceId: string, originalDueAt: Date) =>
  `${cadenceId}-${originalDueAt.getTime()}@cadence`;

/**
 * The events of one cadence: its occurrences from the next one the scheduler knows through the
 * horizon, at their effective times, and a cancelled event for each rhythm time that does not
 * happen (skipped by a person, or by a holiday).
 */
export function feedEvents(cadence: FeedCadence, now: Date): FeedEvent[] {
  if (!cadence.nextDueAt) return [];
  const until = new Date(now.getTime() + FEED_HORIZON_DAYS * 86_400_000);
  const { schedule } = cadence;
  if (schedule.recurrence.kind === "after-completion") {
    if (cadence.nextDueAt >= until) return [];
    const moved = schedule.exceptions.find(
      (e) => e.kind === "moved" && e.movedToAt?.getTime() === cadence.nextDueAt!.getTime(),
    );
    const originalDueAt = moved?.originalDueAt ?? cadence.nextDueAt;
    return [
      {
        uid: eventUid(cadence.id, originalDueAt),
        start: cadence.nextDueAt,
        cancelled: false,
        shift: moved ? "moved" : null,
        originalDueAt,
        change: moved ? `Moved from ${formatInstant(originalDueAt, cadence.timezone)}` : null,
      },
    ];
  }
  // The next due date is the first occurrence that happens; rhythm times before it that are
  // still to come were skipped, and are sent cancelled too.
  const happening = scheduledBetween(schedule, cadence.nextDueAt, until, 10_000);
  const soon = new Date(now.getTime() + 1);
  const from = cadence.nextDueAt < soon ? cadence.nextDueAt : soon;
  const kept = new Set(happening.map((o) => o.originalDueAt.getTime()));
  const events: FeedEvent[] = happening.map((o) => ({
    uid: eventUid(cadence.id, o.originalDueAt),
    start: o.dueAt,
    cancelled: false,
    shift: o.shift,
    originalDueAt: o.originalDueAt,
    change:
      o.shift === null
        ? null
        : `Moved from ${formatInstant(o.originalDueAt, cadence.timezone)}${o.shift === "holiday" ? " (holiday)" : ""}`,
  }));
  for (const original of occurrencesBetween(schedule.recurrence, from, until, schedule.timezone)) {
    if (kept.has(original.getTime())) continue;
    const exception = schedule.exceptions.find(
      (e) => e.originalDueAt.getTime() === original.getTime(),
    );
    // A gap nobody made (say, a date before the cadence was resumed) is no event at all.
    if (!exception && !schedule.holidays.has(localDate(original, schedule.timezone))) continue;
    events.push({
      uid: eventUid(cadence.id, original),
      start: original,
      cancelled: true,
      shift: null,
      originalDueAt: original,
      change:
        exception?.kind === "skipped"
          ? "Skipped"
          : exception?.movedToAt
            ? `Moved to ${formatInstant(exception.movedToAt, cadence.timezone)}`
            : "Skipped: a holiday",
    });
  }
  return events.sort((a, b) => a.start.getTime() - b.start.getTime());
}

export function renderFeed(input: {
  name: string;
  cadences: FeedCadence[];
  nameOf: (slackUserId: string) => string;
  now: Date;
}): string {
  const calendar = ical({
    name: input.name,
    prodId: { company: "cadence", product: "cadence", language: "EN" },
    ttl: 3600,
  });
  for (const cadence of input.cadences) {
    const dri = cadence.driSlackUserId ? input.nameOf(cadence.driSlackUserId) : "no DRI yet";
    const backup = cadence.backupSlackUserId ? input.nameOf(cadence.backupSlackUserId) : "none";
    const about = [`DRI: ${dri}`, `Backup: ${backup}`, purposeOf(cadence.kind) ?? ""];
    for (const event of feedEvents(cadence, input.now)) {
      const note = event.change ? cadence.notes?.get(event.originalDueAt.getTime()) : undefined;
      calendar.createEvent({
        id: event.uid,
        start: event.start,
        end: new Date(event.start.getTime() + EVENT_MINUTES * 60_000),
        stamp: input.now,
        summary: `${event.cancelled ? "Skipped: " : ""}${cadence.title} (DRI: ${dri})`,
        description: [event.change ?? "", note ? `Reason: ${note}` : "", ...about]
          .filter(Boolean)
          .join("\n"),
        status: event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
  }
  return calendar.toString();
}
