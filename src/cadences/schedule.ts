// A cadence's effective schedule: the due times its rhythm names (./recurrence.ts), after the
// changes people made to single occurrences (skipped, moved) and the workspace's holidays.
// Pure: instants are UTC Dates, local dates are read in the cadence's timezone.
import { DateTime } from "luxon";
import { wallClockInstant } from "../time/zoned.js";
import { nextOccurrence, occurrencesBetween, type Recurrence } from "./recurrence.js";

export const HOLIDAY_POLICIES = ["move", "skip"] as const;
/** What an occurrence on a holiday does: move to the next working day, or not happen. */
export type HolidayPolicy = (typeof HOLIDAY_POLICIES)[number];

export const asHolidayPolicy = (value: string): HolidayPolicy =>
  value === "skip" ? "skip" : "move";

/** A change a person made to one occurrence, named by the rhythm's due time it stands for. */
export interface OccurrenceException {
  originalDueAt: Date;
  kind: "skipped" | "moved";
  /** kind moved: when it happens instead. */
  movedToAt: Date | null;
}

export interface Schedule {
  recurrence: Recurrence;
  timezone: string;
  exceptions: readonly OccurrenceException[];
  /** The workspace's non-working days, as local dates (YYYY-MM-DD). */
  holidays: ReadonlySet<string>;
  holidayPolicy: HolidayPolicy;
}

export interface ScheduledOccurrence {
  dueAt: Date;
  /** The rhythm's due time it stands for: equal to dueAt unless it was moved. */
  originalDueAt: Date;
  /** Why dueAt is not the rhythm's: a person moved it, or it fell on a holiday. */
  shift: "moved" | "holiday" | null;
}

/** How far a holiday can push an occurrence; past that (a very long break) it is skipped. */
const MAX_HOLIDAY_SHIFT_DAYS = 14;
const DAY_MS = 86_400_000;
/**
 * How far back rhythm times are read, so a holiday-shifted one that now lands ahead is found.
 * Without holidays nothing can land later than its rhythm time except a move, and moves are
 * read from the exceptions themselves.
 */
const lookbackMs = (schedule: Schedule): number =>
  schedule.holidays.size ? (MAX_HOLIDAY_SHIFT_DAYS + 1) * DAY_MS : 0;
/** The furthest ahead the next occurrence is looked for (the longest rhythm is a year). */
const NEXT_HORIZON_MS = 800 * DAY_MS;

/** The local date of an instant in `timezone`: "2026-12-25". */
export function localDate(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toISODate()!;
}

const isWeekend = (date: DateTime) => date.weekday >= 6;

/**
 * Where a rhythm time on a holiday goes: the same local time on the next working day (not a
 * weekend, not a holiday, not a time `taken` by another occurrence's skip or move, which holds
 * that instant on record), or null when the policy skips it or no working day comes soon.
 */
export function holidayShift(
  at: Date,
  timezone: string,
  holidays: ReadonlySet<string>,
  policy: HolidayPolicy,
  taken: ReadonlySet<number> = new Set(),
): Date | null {
  if (holidays.size === 0) return at;
  const local = DateTime.fromJSDate(at, { zone: timezone });
  if (!holidays.has(local.toISODate()!)) return at;
  if (policy === "skip") return null;
  let day = DateTime.utc(local.year, local.month, local.day);
  for (let i = 0; i < MAX_HOLIDAY_SHIFT_DAYS; i += 1) {
    day = day.plus({ days: 1 });
    if (isWeekend(day) || holidays.has(day.toISODate()!)) continue;
    const shifted = wallClockInstant(
      { year: day.year, month: day.month, day: day.day, hour: local.hour, minute: local.minute },
      timezone,
    ).toJSDate();
    if (!taken.has(shifted.getTime())) return shifted;
  }
  return null;
}

/** What becomes of one rhythm time: its effective occurrence, or null when it does not happen. */
function effective(original: Date, schedule: Schedule): ScheduledOccurrence | null {
  const exception = schedule.exceptions.find(
    (e) => e.originalDueAt.getTime() === original.getTime(),
  );
  if (exception?.kind === "skipped") return null;
  if (exception?.kind === "moved" && exception.movedToAt)
    return { dueAt: exception.movedToAt, originalDueAt: original, shift: "moved" };
  const shifted = holidayShift(
    original,
    schedule.timezone,
    schedule.holidays,
    schedule.holidayPolicy,
    new Set(schedule.exceptions.map((e) => e.originalDueAt.getTime())),
  );
  if (!shifted) return null;
  return {
    dueAt: shifted,
    originalDueAt: original,
    shift: shifted.getTime() === original.getTime() ? null : "holiday",
  };
}

/**
 * Every occurrence with from <= dueAt < to, ascending, at most `limit`. Two that land on the same
 * instant (a holiday pushed one onto the next) are one. Rhythms that count from the last
 * completion have no grid: the cadence's stored next due date is their schedule.
 */
export function scheduledBetween(
  schedule: Schedule,
  from: Date,
  to: Date,
  limit = 500,
): ScheduledOccurrence[] {
  if (schedule.recurrence.kind === "after-completion" || limit < 1 || from >= to) return [];
  const originals = occurrencesBetween(
    schedule.recurrence,
    new Date(from.getTime() - lookbackMs(schedule)),
    to,
    schedule.timezone,
    null,
    10_000,
  );
  const known = new Set(originals.map((d) => d.getTime()));
  for (const e of schedule.exceptions)
    if (e.kind === "moved" && !known.has(e.originalDueAt.getTime()))
      originals.push(e.originalDueAt);
  const found = new Map<number, ScheduledOccurrence>();
  for (const original of originals) {
    const occurrence = effective(original, schedule);
    if (!occurrence || occurrence.dueAt < from || occurrence.dueAt >= to) continue;
    const key = occurrence.dueAt.getTime();
    if (!found.has(key) || occurrence.shift === null) found.set(key, occurrence);
  }
  return [...found.values()].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).slice(0, limit);
}

/**
 * The first occurrence strictly after `after`, or null when the rhythm has no grid. Walks the
 * rhythm one time at a time (the scheduler asks this for every cadence it fires): an occurrence
 * that is not moved never comes before its rhythm time, so the walk stops at the first rhythm
 * time not earlier than the best found; moved ones are read from the exceptions.
 */
export function nextScheduled(schedule: Schedule, after: Date): ScheduledOccurrence | null {
  if (schedule.recurrence.kind === "after-completion") return null;
  let best: ScheduledOccurrence | null = null;
  for (const e of schedule.exceptions) {
    if (e.kind !== "moved" || !e.movedToAt || e.movedToAt <= after) continue;
    if (!best || e.movedToAt < best.dueAt)
      best = { dueAt: e.movedToAt, originalDueAt: e.originalDueAt, shift: "moved" };
  }
  const horizon = after.getTime() + NEXT_HORIZON_MS;
  let cursor = new Date(after.getTime() - lookbackMs(schedule));
  for (;;) {
    const original = nextOccurrence(schedule.recurrence, cursor, schedule.timezone);
    if (!original || original.getTime() > horizon || (best && original >= best.dueAt)) break;
    const occurrence = effective(original, schedule);
    if (occurrence && occurrence.shift !== "moved" && occurrence.dueAt > after) {
      if (!best || occurrence.dueAt < best.dueAt) best = occurrence;
      // Later rhythm times are later than this one, which kept its own time: none can beat it.
      if (occurrence.shift === null) break;
    }
    cursor = original;
  }
  return best;
}

/** The next `count` occurrences after `after`, for confirmations ("next three dates"). */
export function upcomingScheduled(
  schedule: Schedule,
  after: Date,
  count: number,
  nextDueAt: Date | null = null,
): Date[] {
  if (schedule.recurrence.kind === "after-completion") return nextDueAt ? [nextDueAt] : [];
  const dates: Date[] = [];
  let cursor = after;
  while (dates.length < count) {
    const next = nextScheduled(schedule, cursor);
    if (!next) break;
    dates.push(next.dueAt);
    cursor = next.dueAt;
  }
  return dates;
}

/**
 * When a cadence is next due, from `after`: for a grid rhythm its next effective occurrence; for
 * one counted from the last completion, that completion plus its months (moved off a holiday),
 * or `after` itself when it was never completed.
 */
export function nextDueFrom(
  schedule: Schedule,
  after: Date,
  lastCompletedAt: Date | null,
): Date | null {
  if (schedule.recurrence.kind !== "after-completion")
    return nextScheduled(schedule, after)?.dueAt ?? null;
  const due = nextOccurrence(schedule.recurrence, after, schedule.timezone, lastCompletedAt);
  return due && holidayShift(due, schedule.timezone, schedule.holidays, "move");
}

/** A schedule with no exceptions and no holidays: the rhythm alone. */
export function plainSchedule(recurrence: Recurrence, timezone: string): Schedule {
  return { recurrence, timezone, exceptions: [], holidays: new Set(), holidayPolicy: "move" };
}

/** The end of the local day of `at` (the last millisecond), in `timezone`. */
export function endOfLocalDay(at: Date, timezone: string): Date {
  return DateTime.fromJSDate(at, { zone: timezone }).endOf("day").toJSDate();
}

/**
 * Where a cadence next due at `nextDueAt` goes once its workspace's holidays become `holidays`
 * (one added or removed). A rhythm counted from the last completion has no grid to read again:
 * its stored date (which may have been moved by hand) only steps off a holiday.
 */
export function nextDueWithHolidays(
  schedule: Schedule,
  holidays: ReadonlySet<string>,
  nextDueAt: Date,
  now: Date,
  lastCompletedAt: Date | null,
): Date | null {
  if (schedule.recurrence.kind === "after-completion")
    return holidayShift(nextDueAt, schedule.timezone, holidays, "move");
  return nextDueFrom({ ...schedule, holidays }, now, lastCompletedAt);
}
