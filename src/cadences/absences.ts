// Pure rules for a person away (holiday, leave): reading and checking a date range, whether
// someone is away at an instant, and who covers their cadences meanwhile. Ranges are inclusive
// local dates (YYYY-MM-DD) in the workspace's timezone, compared as dates, never as instants, so
// a daylight-saving change inside a range changes nothing. No Slack, no database.
import { DateTime } from "luxon";
import { z } from "zod";
import { refuse, type Refusal } from "../refusals.js";
import { localDate } from "./schedule.js";

/** The longest range one command sets: longer leave is set in several ranges, on purpose. */
export const MAX_ABSENCE_DAYS = 90;

export interface AbsenceRange {
  id: string;
  slackUserId: string;
  /** First and last day away, inclusive, local dates. */
  startsOn: string;
  endsOn: string;
  /** Ended early: the range no longer counts from this instant. */
  endedAt: Date | null;
}

const ISO_DATE = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((text) => DateTime.fromISO(text, { zone: "utc" }).isValid);

/** "2026-12-24", "today" or "tomorrow" (today in the workspace's timezone) as a local date. */
export function readLocalDate(text: string, today: string): string | null {
  const word = text.trim().toLowerCase();
  if (word === "today") return today;
  if (word === "tomorrow") return addDays(today, 1);
  const parsed = ISO_DATE.safeParse(word);
  return parsed.success ? parsed.data : null;
}

/** A local date `days` later (earlier when negative), by the calendar. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toISODate()!;
}

/** Days from `from` to `to` inclusive: one for a single day. */
export function daysInRange(from: string, to: string): number {
  const start = DateTime.fromISO(from, { zone: "utc" });
  const end = DateTime.fromISO(to, { zone: "utc" });
  return Math.round(end.diff(start, "days").days) + 1;
}

/** Still counts: not ended early and not over by `today`. */
export const isOpen = (range: AbsenceRange, today: string): boolean =>
  range.endedAt === null && range.endsOn >= today;

/**
 * Checks a new range for `slackUserId` against today and their other ranges: a real date each,
 * from <= to, not over already, at most MAX_ABSENCE_DAYS, and no overlap with an open range.
 */
export function checkAbsenceRange(
  input: { slackUserId: string; from: string; to: string },
  today: string,
  existing: readonly AbsenceRange[],
): { ok: true; startsOn: string; endsOn: string } | Refusal {
  const startsOn = readLocalDate(input.from, today);
  if (!startsOn) return refuse("bad-date", { text: input.from });
  const endsOn = readLocalDate(input.to, today);
  if (!endsOn) return refuse("bad-date", { text: input.to });
  if (endsOn < startsOn) return refuse("absence-reversed", { startsOn, endsOn });
  if (endsOn < today) return refuse("absence-past", { endsOn });
  if (daysInRange(startsOn, endsOn) > MAX_ABSENCE_DAYS)
    return refuse("absence-too-long", { days: MAX_ABSENCE_DAYS });
  const clash = existing.find(
    (r) =>
      r.slackUserId === input.slackUserId &&
      isOpen(r, today) &&
      r.startsOn <= endsOn &&
      startsOn <= r.endsOn,
  );
  if (clash)
    return refuse("absence-overlap", {
      person: input.slackUserId,
      startsOn: clash.startsOn,
      endsOn: clash.endsOn,
    });
  return { ok: true, startsOn, endsOn };
}

/** Whether `range` covers the instant `at`, its dates read in `timezone`. */
export function rangeCovers(range: AbsenceRange, at: Date, timezone: string): boolean {
  if (range.endedAt && at >= range.endedAt) return false;
  const day = localDate(at, timezone);
  return range.startsOn <= day && day <= range.endsOn;
}

/** The range that makes `slackUserId` away at `at`, if any. */
export function absenceAt(
  absences: readonly AbsenceRange[],
  slackUserId: string,
  at: Date,
  timezone: string,
): AbsenceRange | null {
  return (
    absences.find((r) => r.slackUserId === slackUserId && rangeCovers(r, at, timezone)) ?? null
  );
}

export function isAway(
  absences: readonly AbsenceRange[],
  slackUserId: string,
  at: Date,
  timezone: string,
): boolean {
  return absenceAt(absences, slackUserId, at, timezone) !== null;
}

export interface CoveredCadence {
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
}

/** Who is told about a cadence instead of (or besides) its DRI. */
export type Cover =
  | { kind: "person"; target: string }
  | { kind: "admin-channel"; target: string }
  | { kind: "nobody" };

/**
 * Who covers a cadence at `at`: its backup unless the backup is away too, else the admin
 * channel, else nobody (the caller logs it).
 */
export function coverFor(
  cadence: CoveredCadence,
  absences: readonly AbsenceRange[],
  at: Date,
  timezone: string,
  adminChannelId: string | undefined,
): Cover {
  const backup = cadence.backupSlackUserId;
  if (backup && backup !== cadence.driSlackUserId && !isAway(absences, backup, at, timezone))
    return { kind: "person", target: backup };
  return adminChannelId ? { kind: "admin-channel", target: adminChannelId } : { kind: "nobody" };
}

/**
 * Where a reminder goes: the DRI, or while the DRI is away whoever covers. When nobody can cover
 * (no backup, or one away too, and no admin channel) it still goes to the DRI, as to someone not
 * away: a reminder they may miss beats one sent to nobody. Null only for a cadence without a DRI.
 */
export function reminderRecipient(
  cadence: CoveredCadence,
  absences: readonly AbsenceRange[],
  at: Date,
  timezone: string,
  adminChannelId: string | undefined,
): { target: string; coveringFor: string | null; kind: Cover["kind"] } | null {
  const dri = cadence.driSlackUserId;
  if (!dri) return null;
  if (!isAway(absences, dri, at, timezone))
    return { target: dri, coveringFor: null, kind: "person" };
  const cover = coverFor(cadence, absences, at, timezone, adminChannelId);
  return cover.kind === "nobody"
    ? { target: dri, coveringFor: null, kind: "person" }
    : { ...cover, coveringFor: dri };
}

/**
 * Who hears an escalation: the backup (the admin channel instead when the backup is away) and
 * the admin channel, each once.
 */
export function escalationRecipients(
  cadence: CoveredCadence,
  absences: readonly AbsenceRange[],
  at: Date,
  timezone: string,
  adminChannelId: string | undefined,
): string[] {
  const backup = cadence.backupSlackUserId;
  const first = backup && !isAway(absences, backup, at, timezone) ? backup : adminChannelId;
  return [...new Set([first, adminChannelId])].filter((t): t is string => Boolean(t));
}

/** The last instant a range counts: when it was ended early, else the end of its last day. */
export function lastAwayInstant(range: AbsenceRange, timezone: string): Date {
  const end = DateTime.fromISO(range.endsOn, { zone: timezone }).endOf("day").toJSDate();
  return range.endedAt && range.endedAt < end ? new Date(range.endedAt.getTime() - 1) : end;
}

/**
 * When a range first counted: the start of its first day, or when it was set if that was later.
 * Who covered is read then for its "cover ends" notice, so it reaches whoever heard it begin.
 */
export function firstAwayInstant(range: AbsenceRange, timezone: string, createdAt: Date): Date {
  const first = DateTime.fromISO(range.startsOn, { zone: timezone }).startOf("day").toJSDate();
  return createdAt > first ? createdAt : first;
}

/** A range that began (someone was away under it at least once). */
export function hasBegun(range: AbsenceRange, timezone: string): boolean {
  const first = DateTime.fromISO(range.startsOn, { zone: timezone }).startOf("day").toJSDate();
  return lastAwayInstant(range, timezone) >= first;
}

/** Which cover notice a range calls for at `now`: its start while it runs, its end once over. */
export function coverPhase(
  range: AbsenceRange,
  now: Date,
  timezone: string,
): "start" | "end" | null {
  if (rangeCovers(range, now, timezone)) return "start";
  if (hasBegun(range, timezone) && now > lastAwayInstant(range, timezone)) return "end";
  return null;
}

/** The range to end early with `/cadence away end`: the current one, else the next. */
export function rangeToEnd(
  absences: readonly AbsenceRange[],
  slackUserId: string,
  today: string,
): AbsenceRange | null {
  return (
    absences
      .filter((r) => r.slackUserId === slackUserId && isOpen(r, today))
      .sort((a, b) => a.startsOn.localeCompare(b.startsOn))[0] ?? null
  );
}
