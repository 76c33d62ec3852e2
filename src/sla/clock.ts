// The speed-to-lead SLA clock: how much working time has passed, and when a number of working
// minutes will have passed, in a person's timezone. The clock runs only inside working hours
// (default Mon-Fri 08:00-18:00) and stops on the workspace's holidays; "always" runs it 24/7.
// Working time is real elapsed time: a window that spans a daylight-saving change is an hour
// longer or shorter that day, and a window edge in a skipped hour moves forward by the gap.
import { DateTime } from "luxon";
import { wallClockInstant } from "../time/zoned.js";

export type WorkingHours =
  | { kind: "always" }
  /** days: ISO weekdays (1 Monday … 7 Sunday); start and end in minutes after local midnight. */
  | { kind: "weekly"; days: readonly number[]; startMinute: number; endMinute: number };

export interface WorkingCalendar {
  hours: WorkingHours;
  /** The IANA timezone the hours are read in (the lead owner's, or the workspace's). */
  timezone: string;
  /** Non-working local dates, YYYY-MM-DD. */
  holidays: ReadonlySet<string>;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  kind: "weekly",
  days: [1, 2, 3, 4, 5],
  startMinute: 8 * 60,
  endMinute: 18 * 60,
};

/** Days searched for a working window before giving up (a long holiday list, no working day). */
const MAX_DAYS = 400;

/** One working window as instants, [start, end). */
interface Window {
  start: number;
  end: number;
}

function localInstant(day: DateTime, minute: number, zone: string): number {
  const base = minute >= 24 * 60 ? day.plus({ days: 1 }) : day;
  const wall = minute >= 24 * 60 ? 0 : minute;
  return wallClockInstant(
    {
      year: base.year,
      month: base.month,
      day: base.day,
      hour: Math.floor(wall / 60),
      minute: wall % 60,
    },
    zone,
  ).toMillis();
}

/** The working windows from the local day containing `from` onwards, in order. */
function* windowsFrom(from: Date, calendar: WorkingCalendar): Generator<Window> {
  const hours = calendar.hours;
  if (hours.kind === "always") {
    yield { start: from.getTime(), end: Number.POSITIVE_INFINITY };
    return;
  }
  let day = DateTime.fromJSDate(from, { zone: calendar.timezone }).startOf("day");
  for (let n = 0; n < MAX_DAYS; n += 1, day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday)) continue;
    if (calendar.holidays.has(day.toISODate()!)) continue;
    const start = localInstant(day, hours.startMinute, calendar.timezone);
    const end = localInstant(day, hours.endMinute, calendar.timezone);
    if (end > start) yield { start, end };
  }
}

/**
 * The instant at which `minutes` of working time have passed since `from`; null when no working
 * time is found within a year (every day a holiday, or no working days at all).
 */
export function addWorkingMinutes(
  from: Date,
  minutes: number,
  calendar: WorkingCalendar,
): Date | null {
  let left = minutes * 60_000;
  const at = from.getTime();
  for (const window of windowsFrom(from, calendar)) {
    const start = Math.max(window.start, at);
    if (window.end <= start) continue;
    if (start + left <= window.end) return new Date(start + left);
    left -= window.end - start;
  }
  return null;
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  const end = to.getTime();
  let total = 0;
  for (const window of windowsFrom(from, calendar)) {
    if (window.start >= end) break;
    const start = Math.max(window.start, from.getTime());
    const stop = Math.min(window.end, end);
    if (stop > start) total += stop - start;
  }
  return total / 60_000;
}

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** "Mon-Fri 08:00-18:00", "Mon,Wed,Fri 09:00-17:30", "Sun-Sat 00:00-24:00" or "always". */
export function parseWorkingHours(
  text: string,
): { ok: true; hours: WorkingHours } | { ok: false; problem: string } {
  const input = text.trim().toLowerCase();
  if (input === "always" || input === "24/7") return { ok: true, hours: { kind: "always" } };
  const match = /^([a-z,\s-]+?)\s+(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/.exec(input);
  const problem =
    "Give the days and hours like `Mon-Fri 08:00-18:00` (days: Mon … Sun, ranges or commas), or `always`.";
  if (!match) return { ok: false, problem };
  const days = parseDays(match[1]!);
  if (!days) return { ok: false, problem };
  const startMinute = Number(match[2]) * 60 + Number(match[3]);
  const endMinute = Number(match[4]) * 60 + Number(match[5]);
  if (
    Number(match[3]) > 59 ||
    Number(match[5]) > 59 ||
    startMinute >= endMinute ||
    endMinute > 24 * 60
  )
    return { ok: false, problem: "The hours must start before they end, between 00:00 and 24:00." };
  return { ok: true, hours: { kind: "weekly", days, startMinute, endMinute } };
}

function parseDays(text: string): number[] | null {
  const days = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim())) {
    const [from, to = from] = part.split("-").map((d) => DAY_NAMES.indexOf(d.trim().slice(0, 3)));
    if (from === undefined || to === undefined || from < 0 || to < 0) return null;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  return days.size ? [...days].sort((a, b) => a - b) : null;
}

const clockText = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

export function formatWorkingHours(hours: WorkingHours): string {
  if (hours.kind === "always") return "always (24/7)";
  const names = hours.days.map((d) => DAY_NAMES[d - 1]!.replace(/^./, (c) => c.toUpperCase()));
  const consecutive = hours.days.every((d, i) => i === 0 || d === hours.days[i - 1]! + 1);
  const days = consecutive && names.length > 2 ? `${names[0]}-${names.at(-1)}` : names.join(",");
  return `${days} ${clockText(hours.startMinute)}-${clockText(hours.endMinute)}`;
}
