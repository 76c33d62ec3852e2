// Use cases behind the edit modal and `/cadence new|archive`: editing a cadence's settings,
// creating a custom cadence, archiving one. What the settings mean and where the next due date
// goes are decided in ./editing.ts; this file reads and writes them, each change in one
// transaction with its history.
import { isUniqueViolation } from "../db/errors.js";
import { refuse, type Refusal } from "../refusals.js";
import { escapeInline } from "../slack/mrkdwn.js";
import {
  archivedTitle,
  describeChanges,
  describeRhythm,
  exceptionsOffGrid,
  FIELDS,
  historyRecord,
  isTitleTaken,
  nextDates,
  nextDueAfterEdit,
  sameTiming,
  settingsFingerprint,
  settingsOf,
  type CadenceSettings,
  type FieldBlock,
} from "./editing.js";
import { editConfirmation } from "./edit-modal.js";
import { isStandardKind } from "./kinds.js";
import { RecurrenceSchema } from "./recurrence.js";
import {
  canChangeCadence,
  firstDueAt,
  isCadenceAdmin,
  planMaterialisation,
  type Actor,
} from "./rules.js";
import { asHolidayPolicy, localDate, type OccurrenceException, type Schedule } from "./schedule.js";
import { findCadence, type CadenceDeps, type CadenceRef } from "./service.js";
import {
  findCadenceById,
  loadSchedule,
  recordHistory,
  recurrenceOf,
  reminderOffsetsOf,
  writeRoleChange,
  type CadenceRow,
} from "./store.js";
import { titleText } from "./views.js";

/** A change made, or why not; `field` names the modal block a refusal belongs under. */
export type EditResult =
  { ok: true; cadence: CadenceRow; message: string } | (Refusal & { field?: FieldBlock });

/** A cadence row's settings, as the modal shows them. */
export function cadenceSettings(cadence: CadenceRow): CadenceSettings {
  return settingsOf({
    ...cadence,
    recurrence: recurrenceOf(cadence),
    reminderOffsetsMinutes: reminderOffsetsOf(cadence),
    holidayPolicy: asHolidayPolicy(cadence.holidayPolicy),
  });
}

/** Who may edit a cadence, or why not (also asked before the modal opens). */
export function whyNotEditable(
  deps: Pick<CadenceDeps, "adminUserIds">,
  actor: Actor,
  cadence: CadenceRow | null,
): Refusal | null {
  if (!cadence) return refuse("cadence-gone");
  if (cadence.archivedAt) return refuse("cadence-archived", cadence);
  if (!canChangeCadence(actor, deps.adminUserIds, cadence))
    return refuse("not-cadence-owner", { title: cadence.title, dri: cadence.driSlackUserId });
  return null;
}

async function otherTitles(deps: CadenceDeps, slackTeamId: string, exceptId: string | null) {
  const rows = await deps.db.cadence.findMany({
    where: { slackTeamId, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { title: true },
  });
  return rows.map((r) => r.title);
}

const titleTaken = (title: string) => ({
  ...refuse("title-taken", { title }),
  field: FIELDS.title,
});

/** Someone else changed the cadence (an edit, a skip or move, the scheduler) between our read and our write. */
class EditRaced extends Error {}

/** Reads, then writes only if nothing changed meanwhile: tries this often before giving up. */
const EDIT_ATTEMPTS = 3;

/**
 * Saves the modal's settings on a cadence. Its next due date follows the new timing at once
 * (./editing.ts nextDueAfterEdit). Everything is read first and written as a compare-and-set on
 * the cadence's updatedAt (changed by every write to the cadence: another edit, a skip or move in
 * ./occurrence-changes.ts, the scheduler materialising), so nothing read is stale when written; a
 * lost race is retried on a fresh read. `formFingerprint` (./editing.ts settingsFingerprint, from
 * the modal) refuses a form opened before someone else's edit instead of undoing it.
 */
export async function editCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  cadenceId: string,
  wanted: CadenceSettings,
  formFingerprint?: string,
): Promise<EditResult> {
  for (let attempt = 1; ; attempt += 1) {
    const cadence = await findCadenceById(deps.db, slackTeamId, cadenceId);
    const problem = whyNotEditable(deps, actor, cadence);
    if (problem || !cadence) return { ...problem!, field: FIELDS.rhythm };
    if (
      formFingerprint !== undefined &&
      formFingerprint !== settingsFingerprint(cadenceSettings(cadence))
    )
      return { ...refuse("edit-form-stale"), field: FIELDS.rhythm };
    // A standard cadence keeps its title: the docs and people's habits name it. The recurrence is
    // parsed again so a caller's shorthand (no anchor, no defaults) is the stored shape.
    const settings = {
      ...wanted,
      recurrence: RecurrenceSchema.parse(wanted.recurrence),
      ...(isStandardKind(cadence.kind) ? { title: cadence.title } : {}),
    };
    if (
      settings.title !== cadence.title &&
      isTitleTaken(settings.title, await otherTitles(deps, slackTeamId, cadence.id))
    )
      return titleTaken(settings.title);
    try {
      return await saveEdit(deps, actor, cadence, settings);
    } catch (error) {
      if (isUniqueViolation(error)) return titleTaken(settings.title);
      if (!(error instanceof EditRaced)) throw error;
      if (attempt >= EDIT_ATTEMPTS)
        return { ...refuse("edit-raced", cadence), field: FIELDS.rhythm };
    }
  }
}

/** A later updatedAt than `previous` even within the same millisecond, so a compare-and-set on it sees our write. */
export const nextUpdatedAt = (previous: Date): Date =>
  new Date(Math.max(Date.now(), previous.getTime() + 1));

const DAY_MS = 24 * 3_600_000;

async function saveEdit(
  deps: CadenceDeps,
  actor: Actor,
  cadence: CadenceRow,
  settings: CadenceSettings,
): Promise<EditResult> {
  const now = deps.clock.now();
  const before = cadenceSettings(cadence);
  const changes = describeChanges(before, settings);
  if (changes.length === 0)
    return {
      ok: true,
      cadence,
      message: editConfirmation({
        title: cadence.title,
        created: false,
        changes,
        before: [],
        after: [],
        timezone: cadence.timezone,
        removedExceptions: 0,
        active: cadence.active,
      }),
    };
  const oldSchedule = await loadSchedule(deps.db, cadence, now);
  const timingChanged = !sameTiming(before, settings);
  const reshaped = {
    ...cadence,
    recurrence: settings.recurrence,
    timezone: settings.timezone,
    holidayPolicy: settings.holidayPolicy,
  };
  const upcomingChanges = await deps.db.occurrence.findMany({
    where: {
      cadenceId: cadence.id,
      OR: [
        { status: "skipped", dueAt: { gt: now } },
        { status: "moved", OR: [{ dueAt: { gt: now } }, { movedToAt: { gt: now } }] },
      ],
    },
    select: { dueAt: true, status: true, movedToAt: true },
  });
  const offGrid = timingChanged
    ? exceptionsOffGrid(
        settings.recurrence,
        settings.timezone,
        upcomingChanges.map((o): OccurrenceException => ({
          originalDueAt: o.dueAt,
          kind: o.status === "moved" ? "moved" : "skipped",
          movedToAt: o.movedToAt,
        })),
        now,
      )
    : [];
  const dropped = new Set(offGrid.map((e) => e.originalDueAt.getTime()));
  const loaded = await loadSchedule(deps.db, reshaped, now);
  const newSchedule: Schedule = {
    ...loaded,
    exceptions: loaded.exceptions.filter((e) => !dropped.has(e.originalDueAt.getTime())),
  };
  // Due already, and the scheduler has not materialised it yet: the edit materialises it itself
  // (the scheduler posts it), so the old time's occurrence is neither lost nor followed by the new
  // time's on the same day.
  const running = cadence.active && !cadence.archivedAt;
  const dueNow =
    timingChanged && running && cadence.nextDueAt && cadence.nextDueAt <= now
      ? (planMaterialisation(
          { schedule: oldSchedule, nextDueAt: cadence.nextDueAt },
          cadence.nextDueAt,
          {
            catchUpWindowMs: Number.POSITIVE_INFINITY,
            lateAfterMs: Number.POSITIVE_INFINITY,
          },
        ).occurrences[0] ?? null)
      : null;
  const latest = await deps.db.occurrence.findFirst({
    where: {
      cadenceId: cadence.id,
      status: { in: ["pending", "posted", "done", "missed", "failed"] },
    },
    orderBy: { dueAt: "desc" },
    select: { dueAt: true, status: true },
  });
  const changedNearNow = timingChanged
    ? await deps.db.occurrence.findMany({
        where: {
          cadenceId: cadence.id,
          status: { in: ["skipped", "moved"] },
          dueAt: {
            gte: new Date(now.getTime() - 2 * DAY_MS),
            lte: new Date(now.getTime() + 2 * DAY_MS),
          },
        },
        select: { dueAt: true },
      })
    : [];
  const latestDueAt =
    dueNow && (!latest || latest.dueAt < dueNow.dueAt) ? dueNow.dueAt : (latest?.dueAt ?? null);
  const nextDueAt = timingChanged
    ? nextDueAfterEdit({
        nextDueAt: cadence.nextDueAt,
        active: running,
        now,
        schedule: newSchedule,
        lastCompletedAt: cadence.lastCompletedAt,
        latestMaterialisedDueAt: latestDueAt,
        awaitingCompletion: Boolean(dueNow) || Boolean(latest && latest.status !== "done"),
        changedDueAts: changedNearNow.map((o) => o.dueAt),
      })
    : cadence.nextDueAt;
  const summary = changes.join("; ");

  const updated = await deps.db.$transaction(async (tx) => {
    const moved = await tx.cadence.updateMany({
      where: { id: cadence.id, updatedAt: cadence.updatedAt, nextDueAt: cadence.nextDueAt },
      data: {
        title: settings.title,
        recurrence: settings.recurrence,
        timezone: settings.timezone,
        channelId: settings.channelId,
        reminderOffsetsMinutes: settings.reminderOffsetsMinutes,
        escalationGraceMinutes: settings.escalationGraceMinutes,
        holidayPolicy: settings.holidayPolicy,
        nextDueAt,
        updatedAt: nextUpdatedAt(cadence.updatedAt),
      },
    });
    if (moved.count !== 1) throw new EditRaced();
    if (dueNow) {
      const key = { cadenceId_dueAt: { cadenceId: cadence.id, dueAt: dueNow.dueAt } };
      if (!(await tx.occurrence.findUnique({ where: key, select: { id: true } })))
        await tx.occurrence.create({
          data: {
            cadenceId: cadence.id,
            dueAt: dueNow.dueAt,
            originalDueAt: dueNow.originalDueAt,
            status: "pending",
            late: false,
          },
        });
    }
    if (offGrid.length)
      await tx.occurrence.deleteMany({
        where: {
          cadenceId: cadence.id,
          status: { in: ["skipped", "moved"] },
          dueAt: { in: offGrid.map((e) => e.originalDueAt) },
        },
      });
    // DRI and backup changes are also role changes, so the DRI history stays complete.
    for (const role of ["dri", "backup"] as const) {
      const from = role === "dri" ? before.driSlackUserId : before.backupSlackUserId;
      const to = role === "dri" ? settings.driSlackUserId : settings.backupSlackUserId;
      if (from !== to)
        await writeRoleChange(tx, {
          cadenceId: cadence.id,
          role,
          from,
          to,
          changedBy: actor.slackUserId,
          reason: "edited",
          at: now,
        });
    }
    await recordHistory(tx, {
      cadenceId: cadence.id,
      changedBy: actor.slackUserId,
      at: now,
      summary,
      before: historyRecord(before),
      after: historyRecord(settings),
    });
    return tx.cadence.findUniqueOrThrow({ where: { id: cadence.id } });
  });
  deps.onScheduleChanged();
  return {
    ok: true,
    cadence: updated,
    message: editConfirmation({
      title: updated.title,
      created: false,
      changes,
      before: nextDates(oldSchedule, cadence.nextDueAt, 3),
      after: nextDates(newSchedule, updated.nextDueAt, 3),
      timezone: updated.timezone,
      removedExceptions: offGrid.length,
      active: updated.active,
      postedNow: dueNow?.dueAt ?? null,
    }),
  };
}

/** Creates a custom cadence (admins only), due first at its rhythm's next date. */
export async function createCustomCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  settings: CadenceSettings,
): Promise<EditResult> {
  if (!isCadenceAdmin(actor, deps.adminUserIds))
    return { ...refuse("not-admin-create"), field: FIELDS.title };
  if (isTitleTaken(settings.title, await otherTitles(deps, slackTeamId, null)))
    return titleTaken(settings.title);
  const now = deps.clock.now();
  const schedule = await loadSchedule(
    deps.db,
    {
      id: "",
      slackTeamId,
      recurrence: settings.recurrence,
      timezone: settings.timezone,
      holidayPolicy: settings.holidayPolicy,
    },
    now,
  );
  const nextDueAt = firstDueAt(schedule, now, null);
  try {
    const created = await deps.db.$transaction(async (tx) => {
      const row = await tx.cadence.create({
        data: {
          slackTeamId,
          kind: "custom",
          title: settings.title,
          recurrence: settings.recurrence,
          timezone: settings.timezone,
          channelId: settings.channelId,
          reminderOffsetsMinutes: settings.reminderOffsetsMinutes,
          escalationGraceMinutes: settings.escalationGraceMinutes,
          holidayPolicy: settings.holidayPolicy,
          nextDueAt,
          unassignedSince: now,
        },
      });
      for (const role of ["dri", "backup"] as const) {
        const to = role === "dri" ? settings.driSlackUserId : settings.backupSlackUserId;
        if (to)
          await writeRoleChange(tx, {
            cadenceId: row.id,
            role,
            from: null,
            to,
            changedBy: actor.slackUserId,
            reason: "created",
            at: now,
          });
      }
      await recordHistory(tx, {
        cadenceId: row.id,
        changedBy: actor.slackUserId,
        at: now,
        summary: `created: ${describeRhythm(settings.recurrence)} ${settings.timezone}`,
        before: {},
        after: historyRecord(settings),
      });
      return tx.cadence.findUniqueOrThrow({ where: { id: row.id } });
    });
    deps.onScheduleChanged();
    return {
      ok: true,
      cadence: created,
      message: editConfirmation({
        title: created.title,
        created: true,
        changes: [],
        before: [],
        after: nextDates(schedule, created.nextDueAt, 3),
        timezone: created.timezone,
        removedExceptions: 0,
        active: created.active,
      }),
    };
  } catch (error) {
    if (isUniqueViolation(error)) return titleTaken(settings.title);
    throw error;
  }
}

/**
 * Archives a custom cadence: it keeps its history, leaves the lists, the feed and the scheduler,
 * and gives up its title (suffixed with the date) so a new cadence can take the name.
 */
export async function archiveCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  ref: CadenceRef,
): Promise<EditResult & { candidates?: CadenceRow[] }> {
  let cadence: CadenceRow | null;
  if (typeof ref === "string") {
    const match = await findCadence(deps.db, slackTeamId, ref);
    if (match.kind === "none") return refuse("no-cadence", { name: ref });
    if (match.kind === "ambiguous")
      return {
        ...refuse("ambiguous", { name: ref, titles: match.candidates.map((c) => c.title) }),
        candidates: match.candidates,
      };
    cadence = match.cadence;
  } else cadence = await findCadenceById(deps.db, slackTeamId, ref.id);
  const problem = whyNotEditable(deps, actor, cadence);
  if (problem || !cadence) return problem!;
  if (isStandardKind(cadence.kind)) return refuse("archive-standard", cadence);
  const now = deps.clock.now();
  const title = archivedTitle(
    cadence.title,
    localDate(now, cadence.timezone),
    await otherTitles(deps, slackTeamId, cadence.id),
  );
  const updated = await deps.db.$transaction(async (tx) => {
    const row = await tx.cadence.update({
      where: { id: cadence.id },
      data: { archivedAt: now, active: false, nextDueAt: null, title },
    });
    // An occurrence materialised but not yet posted would still be posted: it is skipped instead.
    await tx.occurrence.updateMany({
      where: { cadenceId: cadence.id, status: "pending" },
      data: { status: "skipped", note: "archived", changedBySlackUserId: actor.slackUserId },
    });
    await recordHistory(tx, {
      cadenceId: cadence.id,
      changedBy: actor.slackUserId,
      at: now,
      summary: `archived (renamed "${escapeInline(title)}")`,
      before: { title: cadence.title, active: cadence.active },
      after: { title, active: false, archivedAt: now.toISOString() },
    });
    return row;
  });
  deps.onScheduleChanged();
  return {
    ok: true,
    cadence: updated,
    message: `:file_cabinet: Archived ${titleText(cadence.title)}: it keeps its history, and no longer posts, reminds or shows in the list and the calendar. Its title is free for a new cadence.`,
  };
}
