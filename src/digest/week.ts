// The digest's calendar: a week is Monday 00:00 to the next Monday 00:00 in the workspace's
// timezone (so a daylight-saving week is 167 or 169 hours long), and months are calendar months
// in that timezone. Pure.
import { DateTime } from "luxon";

export interface Period {
  start: Date;
  /** Exclusive. */
  end: Date;
}

export interface ReportingWeek extends Period {
  /** The Monday, YYYY-MM-DD. */
  startDate: string;
  /** The Sunday, YYYY-MM-DD. */
  endDate: string;
  timezone: string;
}

/** The week (Monday to Sunday, in `timezone`) that contains `day`. */
export function weekContaining(day: Date | string, timezone: string): ReportingWeek {
  const local =
    typeof day === "string"
      ? DateTime.fromISO(day, { zone: timezone })
      : DateTime.fromJSDate(day, { zone: timezone });
  if (!local.isValid) throw new Error(`Not a date: ${String(day)} (use YYYY-MM-DD)`);
  const monday = local.startOf("week"); // luxon weeks are ISO weeks: they start on Monday
  const next = monday.plus({ weeks: 1 });
  return {
    start: monday.toJSDate(),
    end: next.toJSDate(),
    startDate: monday.toISODate(),
    endDate: next.minus({ days: 1 }).toISODate(),
    timezone,
  };
}

/** The last complete week before `now`: what the Monday digest reports. */
export function lastCompleteWeek(now: Date, timezone: string): ReportingWeek {
  return weekContaining(
    DateTime.fromJSDate(now, { zone: timezone }).minus({ weeks: 1 }).toJSDate(),
    timezone,
  );
}

/** `count` consecutive weeks ending with `week` (oldest first), as instants. */
export function weeksEndingWith(week: ReportingWeek, count: number): ReportingWeek[] {
  const monday = DateTime.fromJSDate(week.start, { zone: week.timezone });
  return Array.from({ length: count }, (_, i) =>
    weekContaining(monday.minus({ weeks: count - 1 - i }).toJSDate(), week.timezone),
  );
}

export interface Month extends Period {
  /** YYYY-MM */
  month: string;
}

/** The last `count` calendar months that end on or before `before` (oldest first). */
export function completeMonthsBefore(before: Date, timezone: string, count: number): Month[] {
  const boundary = DateTime.fromJSDate(before, { zone: timezone });
  // The month containing `before` is complete only if `before` is its first instant.
  const firstOfMonth = boundary.startOf("month");
  const endOfLast = firstOfMonth.equals(boundary) ? boundary : firstOfMonth;
  return Array.from({ length: count }, (_, i) => {
    const start = endOfLast.minus({ months: count - i });
    return {
      month: start.toFormat("yyyy-MM"),
      start: start.toJSDate(),
      end: start.plus({ months: 1 }).toJSDate(),
    };
  });
}
