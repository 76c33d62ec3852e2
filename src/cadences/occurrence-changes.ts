// Changing one upcoming occurrence: skip it (with a reason) or move it to another date and time.
// The change is recorded on the occurrence (an Occurrence row with status skipped or moved at the
// rhythm's due time), the cadence's next due date follows at once, and the history says who did it.
import { refuse, type Refusal } from "../refusals.js";
import { escapeInline } from "../slack/mrkdwn.js";
import { nextUpdatedAt } from "./edit-service.js";
import { canChangeCadence, type Actor } from "./rules.js";
import { nextScheduled, scheduledBetween, type Schedule } from "./schedule.js";
import type { CadenceDeps } from "./service.js";
import {
  findCadenceById,
  loadSchedule,
  loadSchedules,
  recordHistory,
  type CadenceRow,
} from "./store.js";
import { formatInstant, readerTime, titleText } from "./views.js";

/** The latest a date may be moved to (2100-01-01): past it, date arithmetic stops making sense. */
const MAX_MOVE_TO_MS = Date.UTC(2100, 0, 1);

export type OccurrenceChange =
  { kind: "skip"; note: string | null } | { kind: "move"; to: Date; note: string | null };

export type OccurrenceChangeResult =
  { ok: true; cadence: CadenceRow; message: string; dueAt: Date | null } | Refusal;

/** The rhythm's due time an upcoming occurrence stands for, or a refusal. */
function locate(
  cadence: CadenceRow,
  schedule: Schedule,
  dueAt: Date,
): { originalDueAt: Date } | Refusal {
  if (schedule.recurrence.kind === "after-completion") {
    if (cadence.nextDueAt?.getTime() !== dueAt.getTime())
      return refuse("no-such-occurrence", { title: cadence.title });
    // Moved before: the record stays keyed by the date it first had, so moving it again (or back)
    // changes that record instead of leaving one behind at a time it may be moved back to.
    const earlier = schedule.exceptions.find(
      (e) => e.kind === "moved" && e.movedToAt?.getTime() === dueAt.getTime(),
    );
    return { originalDueAt: earlier?.originalDueAt ?? dueAt };
  }
  const [found] = scheduledBetween(schedule, dueAt, new Date(dueAt.getTime() + 1), 1);
  return found ? { originalDueAt: found.originalDueAt } : refuse("no-such-occurrence", cadence);
}

/** Where the cadence is next due once the schedule changed; one due now stays due. */
function nextDueAfterChange(
  cadence: CadenceRow,
  schedule: Schedule,
  change: OccurrenceChange,
  now: Date,
): Date | null {
  if (cadence.nextDueAt && cadence.nextDueAt <= now) return cadence.nextDueAt;
  if (schedule.recurrence.kind === "after-completion")
    return change.kind === "move" ? change.to : cadence.nextDueAt;
  return nextScheduled(schedule, now)?.dueAt ?? null;
}

/** Reads, then writes only if the cadence did not change meanwhile: tries this often. */
const CHANGE_ATTEMPTS = 3;

/**
 * Skips or moves the occurrence of `cadenceId` due at `dueAt` (as the person saw it: a moved or
 * holiday-shifted time is fine). Moving it back to the rhythm's own time clears the change.
 * Written as a compare-and-set on the cadence's updatedAt, as an edit is (./edit-service.ts), so
 * a skip or move decided on a schedule an edit (or the scheduler) just changed is decided again
 * on a fresh read instead of leaving an occurrence off the new rhythm.
 */
export async function changeOccurrence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  cadenceId: string,
  dueAt: Date,
  change: OccurrenceChange,
): Promise<OccurrenceChangeResult> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await tryChangeOccurrence(deps, slackTeamId, actor, cadenceId, dueAt, change);
    if (result !== "raced") return result;
    if (attempt >= CHANGE_ATTEMPTS) {
      const cadence = await findCadenceById(deps.db, slackTeamId, cadenceId);
      return cadence ? refuse("edit-raced", cadence) : refuse("cadence-gone");
    }
  }
}

async function tryChangeOccurrence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  cadenceId: string,
  dueAt: Date,
  change: OccurrenceChange,
): Promise<OccurrenceChangeResult | "raced"> {
  const cadence = await findCadenceById(deps.db, slackTeamId, cadenceId);
  if (!cadence) return refuse("cadence-gone");
  if (!canChangeCadence(actor, deps.adminUserIds, cadence))
    return refuse("not-cadence-owner", { title: cadence.title, dri: cadence.driSlackUserId });
  if (!cadence.active || cadence.archivedAt) return refuse("cadence-not-running", cadence);
  const now = deps.clock.now();
  if (dueAt <= now) return refuse("occurrence-passed", cadence);
  const schedule = await loadSchedule(deps.db, cadence, now);
  const located = locate(cadence, schedule, dueAt);
  if ("ok" in located) return located;
  const { originalDueAt } = located;
  if (change.kind === "skip" && schedule.recurrence.kind === "after-completion")
    return refuse("review-not-skippable", cadence);
  if (change.kind === "move") {
    if (!(change.to > now) || !(change.to.getTime() < MAX_MOVE_TO_MS))
      return refuse("move-to-past");
    const clash = scheduledBetween(schedule, change.to, new Date(change.to.getTime() + 1), 1)[0];
    const when = formatInstant(change.to, cadence.timezone);
    if (clash && clash.originalDueAt.getTime() !== originalDueAt.getTime())
      return refuse("move-onto-occurrence", { title: cadence.title, when });
    // An occurrence is stored once per cadence and time: a skipped (or moved-away) date holds its
    // time, and one moved there would never be created when it falls due.
    const held = schedule.exceptions.some(
      (e) =>
        e.originalDueAt.getTime() === change.to.getTime() &&
        e.originalDueAt.getTime() !== originalDueAt.getTime(),
    );
    if (held) return refuse("move-onto-changed", { title: cadence.title, when });
  }
  const backToRhythm = change.kind === "move" && change.to.getTime() === originalDueAt.getTime();
  const exceptions = schedule.exceptions.filter(
    (e) => e.originalDueAt.getTime() !== originalDueAt.getTime(),
  );
  if (!backToRhythm)
    exceptions.push({
      originalDueAt,
      kind: change.kind === "skip" ? "skipped" : "moved",
      movedToAt: change.kind === "move" ? change.to : null,
    });
  const nextDueAt = nextDueAfterChange(cadence, { ...schedule, exceptions }, change, now);
  const when = formatInstant(dueAt, cadence.timezone);
  // Stored as mrkdwn (./edit-modal.ts summaryMrkdwn): the note is the person's text, escaped.
  const note = change.note ? ` (${escapeInline(change.note)})` : "";
  const summary =
    change.kind === "skip"
      ? `skipped ${when}${note}`
      : `moved ${when} to ${formatInstant(change.to, cadence.timezone)}${note}`;
  const updated = await deps.db.$transaction(async (tx) => {
    // The scheduler may have fired the cadence, or someone edited it, meanwhile: only the cadence
    // as read above is changed, else nothing is written and it is read again.
    const moved = await tx.cadence.updateMany({
      where: { id: cadence.id, updatedAt: cadence.updatedAt, nextDueAt: cadence.nextDueAt },
      data: { nextDueAt, updatedAt: nextUpdatedAt(cadence.updatedAt) },
    });
    if (moved.count !== 1) return null;
    const key = { cadenceId_dueAt: { cadenceId: cadence.id, dueAt: originalDueAt } };
    if (backToRhythm)
      await tx.occurrence.deleteMany({
        where: { ...key.cadenceId_dueAt, status: { in: ["skipped", "moved"] } },
      });
    else {
      const record = {
        status: change.kind === "skip" ? "skipped" : "moved",
        movedToAt: change.kind === "move" ? change.to : null,
        note: change.note,
        changedBySlackUserId: actor.slackUserId,
      };
      await tx.occurrence.upsert({
        where: key,
        create: { cadenceId: cadence.id, dueAt: originalDueAt, ...record },
        update: record,
      });
    }
    await recordHistory(tx, {
      cadenceId: cadence.id,
      changedBy: actor.slackUserId,
      at: now,
      summary,
      before: { dueAt: dueAt.toISOString() },
      after:
        change.kind === "skip"
          ? { skipped: true, note: change.note }
          : { dueAt: change.to.toISOString(), note: change.note },
    });
    return tx.cadence.findUniqueOrThrow({ where: { id: cadence.id } });
  });
  if (!updated) return "raced";
  deps.onScheduleChanged();
  const next = updated.nextDueAt
    ? ` Next: ${formatInstant(updated.nextDueAt, cadence.timezone)}.`
    : "";
  const verb =
    change.kind === "skip"
      ? `skipped ${titleText(cadence.title)} on ${when}`
      : `moved ${titleText(cadence.title)} from ${when} to ${formatInstant(change.to, cadence.timezone)} (${readerTime(change.to, formatInstant(change.to, "UTC"))} your time)`;
  return {
    ok: true,
    cadence: updated,
    dueAt: updated.nextDueAt,
    message: `<@${actor.slackUserId}> ${verb}.${next}`,
  };
}

/** Why a cadence's next date is not its rhythm's: moved by a person or off a holiday, and from when. */
export interface NextDateShift {
  why: "moved" | "holiday";
  from: Date;
}

/** For each running cadence whose next date was shifted, from where and why (for the Home tab). */
export async function nextDateShifts(
  db: CadenceDeps["db"],
  cadences: readonly CadenceRow[],
): Promise<Map<string, NextDateShift>> {
  const running = cadences.filter((c) => c.active && !c.archivedAt && c.nextDueAt);
  const shifts = new Map<string, NextDateShift>();
  if (running.length === 0) return shifts;
  const since = new Date(Math.min(...running.map((c) => c.nextDueAt!.getTime())));
  const schedules = await loadSchedules(db, running, since);
  for (const cadence of running) {
    const schedule = schedules.get(cadence.id)!;
    const next = cadence.nextDueAt!;
    const moved = schedule.exceptions.find(
      (e) => e.kind === "moved" && e.movedToAt?.getTime() === next.getTime(),
    );
    const [found] = scheduledBetween(schedule, next, new Date(next.getTime() + 1), 1);
    if (moved && moved.originalDueAt.getTime() !== next.getTime())
      shifts.set(cadence.id, { why: "moved", from: moved.originalDueAt });
    else if (found?.shift === "holiday")
      shifts.set(cadence.id, { why: "holiday", from: found.originalDueAt });
  }
  return shifts;
}

/** Snooze a day: the next occurrence (and its reminders) moves 24 hours later, recorded as a move. */
export async function snoozeCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  cadenceId: string,
): Promise<OccurrenceChangeResult> {
  const cadence = await findCadenceById(deps.db, slackTeamId, cadenceId);
  if (!cadence) return refuse("cadence-gone");
  if (!cadence.nextDueAt) return refuse("nothing-to-snooze", { title: cadence.title });
  const result = await changeOccurrence(deps, slackTeamId, actor, cadenceId, cadence.nextDueAt, {
    kind: "move",
    to: new Date(cadence.nextDueAt.getTime() + 24 * 3_600_000),
    note: "snoozed a day",
  });
  if (!result.ok) return result;
  return {
    ...result,
    message: `<@${actor.slackUserId}> snoozed ${titleText(cadence.title)} by a day.`,
  };
}
