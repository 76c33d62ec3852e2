// When cadences fall due. Pure: instants are UTC Dates, wall-clock times are read in the cadence's
// IANA timezone with luxon, so "Mondays at 09:00" stays 09:00 local across daylight saving
// (gaps and overlaps are resolved by src/time/zoned.ts).
import { DateTime } from "luxon";
import { z } from "zod";
import { wallClockInstant } from "../time/zoned.js";

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, 24-hour");
const WeekdaySchema = z.enum(WEEKDAYS);

export const RecurrenceSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("weekly"),
    weekdays: z
      .array(WeekdaySchema)
      .min(1, "needs at least one weekday")
      .max(7)
      .refine((days) => new Set(days).size === days.length, "weekdays must be distinct"),
    time: TimeSchema,
    everyWeeks: z.number().int().min(1).max(8).default(1),
    /** A date in the first week counted, when everyWeeks > 1. */
    anchor: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD")
      .refine((date) => DateTime.fromISO(date).isValid, "must be a date that exists")
      .default("2026-01-05"),
  }),
  z.object({
    kind: z.literal("monthly"),
    time: TimeSchema,
    on: z.discriminatedUnion("type", [
      z.object({
        type: z.literal("weekday"),
        nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]),
        weekday: WeekdaySchema,
      }),
      z.object({ type: z.literal("day"), day: z.number().int().min(1).max(31) }),
    ]),
    everyMonths: z.number().int().min(1).max(12).default(1),
    /** Months are counted from this one within each calendar year (there is no anchor year):
     * every 3 from 1 is Jan, Apr, Jul, Oct; every 5 from 1 is Jan, Jun, Nov, then Jan again. */
    startMonth: z.number().int().min(1).max(12).default(1),
  }),
  z.object({
    kind: z.literal("after-completion"),
    months: z.number().int().min(1).max(24),
    time: TimeSchema,
  }),
]);
export type Recurrence = z.infer<typeof RecurrenceSchema>;
type Weekly = Extract<Recurrence, { kind: "weekly" }>;
type Monthly = Extract<Recurrence, { kind: "monthly" }>;

export const STANDARD_RECURRENCES = {
  weekly_funnel_review: RecurrenceSchema.parse({
    kind: "weekly",
    weekdays: ["monday"],
    time: "09:00",
  }),
  monthly_win_loss: RecurrenceSchema.parse({
    kind: "monthly",
    time: "10:00",
    on: { type: "weekday", nth: 1, weekday: "tuesday" },
  }),
  monthly_content_in_the_wild: RecurrenceSchema.parse({
    kind: "monthly",
    time: "10:00",
    on: { type: "weekday", nth: 1, weekday: "wednesday" },
  }),
  mql_definition_review: RecurrenceSchema.parse({
    kind: "after-completion",
    months: 6,
    time: "10:00",
  }),
  icp_review: RecurrenceSchema.parse({ kind: "after-completion", months: 6, time: "10:00" }),
  quarterly_alignment_diagnostic: RecurrenceSchema.parse({
    kind: "monthly",
    time: "11:00",
    on: { type: "weekday", nth: 1, weekday: "tuesday" },
    everyMonths: 3,
    startMonth: 1,
  }),
} as const satisfies Record<string, Recurrence>;

/**
 * The zone's name spelt as the runtime spells it ("europe/berlin" -> "Europe/Berlin"), so one
 * zone is stored one way; a name it resolves to another zone ("CET") is kept as typed. Null when
 * it is not a timezone.
 */
export function canonicalTimezone(timezone: string): string | null {
  if (!isValidTimezone(timezone)) return null;
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions()
    .timeZone;
  return resolved.toLowerCase() === timezone.toLowerCase() ? resolved : timezone;
}

/** Zones already checked: building an Intl.DateTimeFormat costs more than the date arithmetic. */
const checkedTimezones = new Map<string, boolean>();

export function isValidTimezone(timezone: string): boolean {
  if (!timezone) return false;
  const known = checkedTimezones.get(timezone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    valid = DateTime.local().setZone(timezone).isValid;
  } catch {
    valid = false;
  }
  // Bounded, so a flood of made-up names cannot grow it without end.
  if (checkedTimezones.size < 1_000) checkedTimezones.set(timezone, valid);
  return valid;
}

function assertUsable(timezone: string, ...instants: Array<Date | null | undefined>): void {
  if (!isValidTimezone(timezone))
    throw new Error(`unknown IANA timezone "${timezone}" (e.g. America/New_York)`);
  if (instants.some((d) => d && Number.isNaN(d.getTime())))
    throw new Error("a recurrence was asked about an invalid Date");
}

const parseTime = (time: string) => {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  return { hour, minute };
};

/** The instant a local date and time name in `zone` (DST resolved as in src/time/zoned.ts). */
function localInstant(
  year: number,
  month: number,
  day: number,
  time: string,
  zone: string,
): DateTime {
  return wallClockInstant({ year, month, day, ...parseTime(time) }, zone);
}

const weekdayNumber = (weekday: Weekday): number => WEEKDAYS.indexOf(weekday) + 1;

/** The day of `month` a monthly rule names (every month has a 1st-4th and a last of each weekday). */
function monthlyDay(rule: Monthly, year: number, month: number): number {
  const first = DateTime.fromObject({ year, month, day: 1 });
  const daysInMonth = first.daysInMonth!;
  if (rule.on.type === "day") return Math.min(rule.on.day, daysInMonth);
  const target = weekdayNumber(rule.on.weekday);
  if (rule.on.nth === -1) {
    const last = first.set({ day: daysInMonth });
    return daysInMonth - ((last.weekday - target + 7) % 7);
  }
  return 1 + ((target - first.weekday + 7) % 7) + (rule.on.nth - 1) * 7;
}

/** The local calendar date of an instant, as a UTC DateTime: date arithmetic free of DST. */
const calendarDate = (at: DateTime) => DateTime.utc(at.year, at.month, at.day);

function nextWeekly(rule: Weekly, after: DateTime, zone: string): DateTime {
  const anchor = DateTime.fromISO(rule.anchor, { zone: "utc" }).startOf("week");
  const days = rule.weekdays.map(weekdayNumber).sort((a, b) => a - b);
  let week = calendarDate(after).startOf("week");
  // One of the next `everyWeeks` weeks is counted, and all its occurrences are later.
  for (let guard = 0; guard <= rule.everyWeeks; guard += 1) {
    const weeksFromAnchor = Math.round(week.diff(anchor, "days").days / 7);
    if (((weeksFromAnchor % rule.everyWeeks) + rule.everyWeeks) % rule.everyWeeks === 0) {
      for (const weekday of days) {
        const date = week.plus({ days: weekday - 1 });
        const at = localInstant(date.year, date.month, date.day, rule.time, zone);
        if (at > after) return at;
      }
    }
    week = week.plus({ weeks: 1 });
  }
  throw new Error("no weekly occurrence found");
}

function nextMonthly(rule: Monthly, after: DateTime, zone: string): DateTime {
  let month = calendarDate(after).startOf("month");
  for (let guard = 0; guard < 12 * 3 + 2; guard += 1) {
    const monthsFromStart = month.month - rule.startMonth;
    if (((monthsFromStart % rule.everyMonths) + rule.everyMonths) % rule.everyMonths === 0) {
      const at = localInstant(
        month.year,
        month.month,
        monthlyDay(rule, month.year, month.month),
        rule.time,
        zone,
      );
      if (at > after) return at;
    }
    month = month.plus({ months: 1 });
  }
  throw new Error("no monthly occurrence found");
}

/** The due date of a completion-based rule: `months` after the completion's local date. */
function dueAfterCompletion(
  rule: Extract<Recurrence, { kind: "after-completion" }>,
  completed: Date,
  zone: string,
): DateTime {
  const date = DateTime.fromJSDate(completed, { zone }).plus({ months: rule.months });
  return localInstant(date.year, date.month, date.day, rule.time, zone);
}

/** The next time the clock in `zone` shows `time`, strictly after `after`: today's, or tomorrow's. */
function firstTimeAfter(time: string, after: DateTime, zone: string): DateTime {
  const today = localInstant(after.year, after.month, after.day, time, zone);
  if (today > after) return today;
  const tomorrow = calendarDate(after).plus({ days: 1 });
  return localInstant(tomorrow.year, tomorrow.month, tomorrow.day, time, zone);
}

/**
 * The first occurrence strictly after `after`. A completion-based rule never completed is first
 * due at its time of day, today or tomorrow (the first review, to start the count); once
 * completed, at its due date even if that has passed (it is overdue, and the scheduler must
 * still fire it).
 */
export function nextOccurrence(
  rule: Recurrence,
  after: Date,
  timezone: string,
  lastCompletedAt?: Date | null,
): Date | null {
  assertUsable(timezone, after, lastCompletedAt);
  const start = DateTime.fromJSDate(after, { zone: timezone });
  switch (rule.kind) {
    case "weekly":
      return nextWeekly(rule, start, timezone).toJSDate();
    case "monthly":
      return nextMonthly(rule, start, timezone).toJSDate();
    case "after-completion":
      return lastCompletedAt
        ? dueAfterCompletion(rule, lastCompletedAt, timezone).toJSDate()
        : firstTimeAfter(rule.time, start, timezone).toJSDate();
  }
}

/** Every occurrence with from <= t < to, ascending, at most `limit`. */
export function occurrencesBetween(
  rule: Recurrence,
  from: Date,
  to: Date,
  timezone: string,
  lastCompletedAt?: Date | null,
  limit = 500,
): Date[] {
  assertUsable(timezone, from, to, lastCompletedAt);
  if (rule.kind === "after-completion") {
    if (!lastCompletedAt || limit < 1) return [];
    const due = dueAfterCompletion(rule, lastCompletedAt, timezone).toJSDate();
    return due >= from && due < to ? [due] : [];
  }
  const found: Date[] = [];
  let next = nextOccurrence(rule, new Date(from.getTime() - 1), timezone);
  while (next && next < to && found.length < limit) {
    found.push(next);
    next = nextOccurrence(rule, next, timezone);
  }
  return found;
}

const capitalised = (word: string) => word[0]!.toUpperCase() + word.slice(1);
const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;
const NTH_WORDS: Record<number, string> = {
  1: "first",
  2: "second",
  3: "third",
  4: "fourth",
  [-1]: "last",
};
const MONTH_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

function listWords(words: string[]): string {
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** "Mondays at 09:00 America/New_York", "first Tuesday of the month at 10:00 UTC", … */
export function describeRecurrence(rule: Recurrence, timezone: string): string {
  const at = `at ${rule.time} ${timezone}`;
  switch (rule.kind) {
    case "weekly": {
      const days = listWords(
        [...rule.weekdays]
          .sort((a, b) => weekdayNumber(a) - weekdayNumber(b))
          .map((d) => `${capitalised(d)}s`),
      );
      return rule.everyWeeks === 1
        ? `${days} ${at}`
        : `every ${rule.everyWeeks} weeks on ${days} ${at}`;
    }
    case "monthly": {
      const day =
        rule.on.type === "day"
          ? `the ${ordinal(rule.on.day)}`
          : `${NTH_WORDS[rule.on.nth]} ${capitalised(rule.on.weekday)}`;
      if (rule.everyMonths === 1)
        return rule.on.type === "day"
          ? `on ${day} of each month ${at}`
          : `${day} of the month ${at}`;
      const months = Array.from(
        { length: Math.ceil(12 / rule.everyMonths) },
        (_, i) => MONTH_NAMES[(rule.startMonth - 1 + i * rule.everyMonths) % 12]!,
      );
      const every =
        rule.everyMonths === 3 ? "each quarter" : `every ${ordinal(rule.everyMonths)} month`;
      return `${rule.on.type === "day" ? `on ${day}` : day} of ${every} (${months.join(", ")}) ${at}`;
    }
    case "after-completion":
      return `${rule.months} month${rule.months === 1 ? "" : "s"} after the last completion, ${at}`;
  }
}
