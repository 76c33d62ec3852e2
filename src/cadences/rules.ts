// Pure rules for cadences: finding one by a forgiving name, who may change it, what firing and
// catching up produce, and where a departed DRI's cadences go. No Slack, no database.
import { refuse, type Refusal } from "../refusals.js";
import { nextDueFrom, nextScheduled, scheduledBetween, type Schedule } from "./schedule.js";

export interface NamedCadence {
  id: string;
  title: string;
  kind: string;
}

export type CadenceMatch<T extends NamedCadence> =
  { kind: "found"; cadence: T } | { kind: "ambiguous"; candidates: T[] } | { kind: "none" };

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * Finds a cadence by what a person typed: case and punctuation do not matter, an exact title
 * wins, then a prefix of the title or of any word run in it ("funnel" finds "Weekly funnel review").
 */
export function matchCadence<T extends NamedCadence>(
  cadences: T[],
  query: string,
): CadenceMatch<T> {
  const wanted = normalise(query);
  if (!wanted) return { kind: "none" };
  const exact = cadences.filter(
    (c) => normalise(c.title) === wanted || normalise(c.kind) === wanted,
  );
  if (exact.length === 1) return { kind: "found", cadence: exact[0]! };
  const compact = wanted.replace(/ /g, "");
  const prefixed = cadences.filter((c) => {
    const words = normalise(c.title).split(" ");
    // A prefix of the title or of any run of its words, spaces ignored: "winloss", "funnel rev".
    return words.some((_, i) => words.slice(i).join("").startsWith(compact));
  });
  if (prefixed.length === 1) return { kind: "found", cadence: prefixed[0]! };
  if (prefixed.length > 1) return { kind: "ambiguous", candidates: prefixed };
  return { kind: "none" };
}

/** Slack escapes mentions in slash commands as <@U123|name> or <@U123>. */
export function mentionedUserIds(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((match) => match[1]!);
}

/** The text of a command with its mentions taken out: "weekly review <@U1>" -> "weekly review". */
export function withoutMentions(text: string): string {
  return text
    .replace(/<@[UW][A-Z0-9]+(?:\|[^>]*)?>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export interface Actor {
  slackUserId: string;
  /** A workspace admin or owner, as users.info says. */
  isWorkspaceAdmin: boolean;
}

/** Admins, owners, people in ADMIN_USER_IDS and the cadence's current DRI may change it. */
export function canChangeCadence(
  actor: Actor,
  adminUserIds: readonly string[],
  cadence: { driSlackUserId: string | null },
): boolean {
  return (
    actor.isWorkspaceAdmin ||
    adminUserIds.includes(actor.slackUserId) ||
    cadence.driSlackUserId === actor.slackUserId
  );
}

export function isCadenceAdmin(actor: Actor, adminUserIds: readonly string[]): boolean {
  return actor.isWorkspaceAdmin || adminUserIds.includes(actor.slackUserId);
}

export interface SchedulingState {
  schedule: Schedule;
  nextDueAt: Date;
}

export interface PlannedOccurrence {
  dueAt: Date;
  /** The rhythm's due time it stands for, when it was moved; null when it is the rhythm's own. */
  originalDueAt: Date | null;
  /** pending: to be posted now; missed: too old to post, recorded only. */
  status: "pending" | "missed";
  late: boolean;
}

export interface MaterialisationPlan {
  occurrences: PlannedOccurrence[];
  /** The next due date after now; null for a rule that waits for a completion. */
  nextDueAt: Date | null;
}

export interface CatchUpPolicy {
  /** An occurrence older than this when first seen is recorded as missed, not posted. */
  catchUpWindowMs: number;
  /** An occurrence posted more than this after its due time says it is late. */
  lateAfterMs: number;
}

/**
 * Everything due from `state.nextDueAt` up to `now` (skipped ones left out, moved ones at their
 * new time), and what comes next.
 */
export function planMaterialisation(
  state: SchedulingState,
  now: Date,
  policy: CatchUpPolicy,
): MaterialisationPlan {
  const { schedule } = state;
  const grid = schedule.recurrence.kind !== "after-completion";
  // Only a moved occurrence stands for another time; without exceptions there is none to find.
  const first =
    grid && schedule.exceptions.length
      ? scheduledBetween(schedule, state.nextDueAt, new Date(state.nextDueAt.getTime() + 1), 1)[0]
      : undefined;
  const due = [
    {
      dueAt: state.nextDueAt,
      originalDueAt: first?.shift === "moved" ? first.originalDueAt : null,
    },
    ...(grid
      ? scheduledBetween(
          schedule,
          new Date(state.nextDueAt.getTime() + 1),
          new Date(now.getTime() + 1),
          10_000,
        ).map((o) => ({
          dueAt: o.dueAt,
          originalDueAt: o.shift === "moved" ? o.originalDueAt : null,
        }))
      : []),
  ];
  const occurrences = due
    .filter(({ dueAt }) => dueAt.getTime() <= now.getTime())
    .map(({ dueAt, originalDueAt }): PlannedOccurrence => {
      const delay = now.getTime() - dueAt.getTime();
      return {
        dueAt,
        originalDueAt,
        status: delay > policy.catchUpWindowMs ? "missed" : "pending",
        late: delay > policy.lateAfterMs,
      };
    });
  const nextDueAt = grid ? (nextScheduled(schedule, now)?.dueAt ?? null) : null;
  return { occurrences, nextDueAt };
}

/** When a cadence is first due: the next occurrence, or for review-after-completion rules the due date. */
export function firstDueAt(
  schedule: Schedule,
  now: Date,
  lastCompletedAt: Date | null,
): Date | null {
  return nextDueFrom(schedule, now, lastCompletedAt);
}

export interface OwnedCadence {
  id: string;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
}

export type DepartureMove =
  /** The backup becomes DRI and the backup slot is left empty. */
  | { cadenceId: string; role: "dri"; to: string; reason: "backup takes over" }
  | { cadenceId: string; role: "dri"; to: null; reason: "no backup" }
  | { cadenceId: string; role: "backup"; to: null; reason: "backup left" };

/** Where each cadence a departed person held goes: the backup steps up, or it becomes unassigned. */
export function planDeparture(
  departed: string,
  cadences: OwnedCadence[],
  isActive: (slackUserId: string) => boolean,
): DepartureMove[] {
  return cadences.flatMap((cadence): DepartureMove[] => {
    const backup = cadence.backupSlackUserId;
    if (cadence.driSlackUserId === departed) {
      return backup && backup !== departed && isActive(backup)
        ? [{ cadenceId: cadence.id, role: "dri", to: backup, reason: "backup takes over" }]
        : [{ cadenceId: cadence.id, role: "dri", to: null, reason: "no backup" }];
    }
    return backup === departed
      ? [{ cadenceId: cadence.id, role: "backup", to: null, reason: "backup left" }]
      : [];
  });
}

/**
 * Which reminder is due for an upcoming occurrence: the latest reminder point already passed.
 * Earlier points that were never sent (the cadence was created or resumed late) are skipped, so a
 * DRI gets one reminder, not a burst.
 */
export function dueReminderOffset(offsetsMinutes: number[], dueAt: Date, now: Date): number | null {
  if (now.getTime() >= dueAt.getTime()) return null;
  const passed = offsetsMinutes.filter(
    (offset) => dueAt.getTime() - offset * 60_000 <= now.getTime(),
  );
  return passed.length ? Math.min(...passed) : null;
}

/** An occurrence not marked done this long after it was due is escalated. */
export function escalationDueAt(dueAt: Date, graceMinutes: number): Date {
  return new Date(dueAt.getTime() + graceMinutes * 60_000);
}

/** The calendar day in a timezone, for once-a-day notices: "2026-11-23". */
export function localDay(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** Why someone cannot own a cadence (DRI or backup), or null when they can: a named, active person. */
export function whyNotOwner(
  slackUserId: string,
  person: { isBot: boolean; active: boolean } | null,
): Refusal | null {
  if (!person) return refuse("unknown-person", { person: slackUserId });
  if (person.isBot) return refuse("person-is-bot", { person: slackUserId });
  if (!person.active) return refuse("person-deactivated", { person: slackUserId });
  return null;
}
