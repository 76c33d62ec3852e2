// The spans the review packs and the QBR cover, in the workspace's timezone like the digest's
// weeks: whole local days up to the start of today, split into calendar months; and quarters.
// Pure.
import { DateTime } from "luxon";
import type { Month, Period } from "../digest/week.js";

export interface Span extends Period {
  /** First day, YYYY-MM-DD (local). */
  from: string;
  /** Last day, YYYY-MM-DD (local, inclusive). */
  to: string;
  timezone: string;
}

const spanOf = (start: DateTime, end: DateTime, timezone: string): Span => ({
  start: start.toJSDate(),
  end: end.toJSDate(),
  from: start.toISODate()!,
  to: end.minus({ days: 1 }).toISODate()!,
  timezone,
});

/** The `days` whole local days before today (today excluded: it is not over). */
export function lastDays(now: Date, timezone: string, days: number): Span {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  return spanOf(today.minus({ days }), today, timezone);
}

/** The `months` months of whole local days before today: e.g. 2025-11-30 to 2026-11-29. */
export function lastMonths(now: Date, timezone: string, months: number): Span {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf("day");
  return spanOf(today.minus({ months }), today, timezone);
}

/** The calendar months a span touches, each cut to the span (the first and last may be partial). */
export function monthsOf(span: Span): Month[] {
  const months: Month[] = [];
  let cursor = DateTime.fromJSDate(span.start, { zone: span.timezone }).startOf("month");
  const end = DateTime.fromJSDate(span.end, { zone: span.timezone });
  while (cursor < end) {
    const next = cursor.plus({ months: 1 });
    months.push({
      month: cursor.toFormat("yyyy-MM"),
      start: new Date(Math.max(cursor.toMillis(), span.start.getTime())),
      end: new Date(Math.min(next.toMillis(), span.end.getTime())),
    });
    cursor = next;
  }
  return months;
}

export interface Quarter extends Span {
  /** "2026-Q4" */
  quarter: string;
}

export const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export function quarterNamed(name: string, timezone: string): Quarter | null {
  const match = QUARTER_PATTERN.exec(name);
  if (!match) return null;
  const start = DateTime.fromObject(
    { year: Number(match[1]), month: (Number(match[2]) - 1) * 3 + 1, day: 1 },
    { zone: timezone },
  );
  return { quarter: name, ...spanOf(start, start.plus({ months: 3 }), timezone) };
}

/** The quarter that contains `at`. */
export function quarterContaining(at: Date, timezone: string): Quarter {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  return quarterNamed(`${local.year}-Q${Math.ceil(local.month / 3)}`, timezone)!;
}

/** The last complete quarter before `now`. */
export function lastCompleteQuarter(now: Date, timezone: string): Quarter {
  const current = quarterContaining(now, timezone);
  return quarterContaining(new Date(current.start.getTime() - 1), timezone);
}
