// Prisma queries for cadences, their DRI history and their occurrences.
import type { Db } from "../db/client.js";
import { RecurrenceSchema, type Recurrence } from "./recurrence.js";
import { asHolidayPolicy, type Schedule } from "./schedule.js";

export type CadenceRow = Awaited<ReturnType<Db["cadence"]["findFirstOrThrow"]>>;

export function recurrenceOf(cadence: Pick<CadenceRow, "recurrence">): Recurrence {
  return RecurrenceSchema.parse(cadence.recurrence);
}

export function reminderOffsetsOf(cadence: Pick<CadenceRow, "reminderOffsetsMinutes">): number[] {
  const offsets = cadence.reminderOffsetsMinutes;
  return Array.isArray(offsets)
    ? offsets.filter((n): n is number => typeof n === "number" && n > 0)
    : [];
}

export function listCadences(db: Db, slackTeamId: string) {
  return db.cadence.findMany({
    where: { slackTeamId, archivedAt: null },
    orderBy: [{ nextDueAt: "asc" }, { title: "asc" }],
  });
}

export function countCadences(db: Db, slackTeamId: string) {
  return db.cadence.count({ where: { slackTeamId, archivedAt: null } });
}

export function cadencesHeldBy(db: Db, slackTeamId: string, slackUserId: string) {
  return db.cadence.findMany({
    where: {
      slackTeamId,
      archivedAt: null,
      OR: [{ driSlackUserId: slackUserId }, { backupSlackUserId: slackUserId }],
    },
    orderBy: { title: "asc" },
  });
}

export interface RoleChange {
  cadenceId: string;
  role: "dri" | "backup";
  from: string | null;
  to: string | null;
  changedBy: string | null;
  reason: string;
  at: Date;
}

/** Changes a DRI or backup and records it in the history, in one transaction. */
export async function changeRole(
  db: Db,
  change: RoleChange,
  extra: { clearBackup?: boolean } = {},
) {
  return db.$transaction((tx) => writeRoleChange(tx, change, extra));
}

type RoleWriter = Pick<Db, "cadence" | "driChange">;

/** changeRole's writes, for a caller already inside a transaction (an edit of many settings). */
export async function writeRoleChange(
  tx: RoleWriter,
  change: RoleChange,
  extra: { clearBackup?: boolean } = {},
) {
  const data =
    change.role === "dri"
      ? {
          driSlackUserId: change.to,
          unassignedSince: change.to ? null : change.at,
          ...(extra.clearBackup ? { backupSlackUserId: null } : {}),
        }
      : { backupSlackUserId: change.to };
  const cadence = await tx.cadence.update({ where: { id: change.cadenceId }, data });
  await tx.driChange.create({
    data: {
      cadenceId: change.cadenceId,
      role: change.role,
      fromSlackUserId: change.from,
      toSlackUserId: change.to,
      changedBySlackUserId: change.changedBy,
      reason: change.reason,
      changedAt: change.at,
    },
  });
  return cadence;
}

/** Cadences of uninstalled workspaces wait: a reinstall resumes them under the catch-up rules. */
const INSTALLED = { workspace: { uninstalledAt: null } };

export function dueCadences(db: Db, now: Date, limit: number) {
  return db.cadence.findMany({
    where: { active: true, nextDueAt: { lte: now }, ...INSTALLED },
    orderBy: { nextDueAt: "asc" },
    take: limit,
  });
}

export function pendingOccurrences(db: Db, now: Date, limit: number) {
  return db.occurrence.findMany({
    where: { status: "pending", dueAt: { lte: now }, cadence: INSTALLED },
    include: { cadence: { include: { workspace: true } } },
    orderBy: { dueAt: "asc" },
    take: limit,
  });
}
export type PendingOccurrence = Awaited<ReturnType<typeof pendingOccurrences>>[number];

export async function earliestNextDueAt(db: Db): Promise<Date | null> {
  const next = await db.cadence.findFirst({
    where: { active: true, nextDueAt: { not: null }, ...INSTALLED },
    orderBy: { nextDueAt: "asc" },
    select: { nextDueAt: true },
  });
  return next?.nextDueAt ?? null;
}

export function findCadenceById(db: Db, slackTeamId: string, id: string) {
  return db.cadence.findFirst({ where: { id, slackTeamId } });
}

/** The parts of a cadence its schedule is built from. */
export type SchedulableCadence = Pick<
  CadenceRow,
  "id" | "slackTeamId" | "recurrence" | "timezone" | "holidayPolicy"
>;

/** How far back skipped and moved occurrences and holidays still shape what comes next. */
const SCHEDULE_LOOKBACK_MS = 15 * 86_400_000;

/**
 * The effective schedules of some cadences, from `since` on: their rhythms with the occurrences
 * people skipped or moved and their workspaces' holidays. Two queries, whatever the count.
 */
export async function loadSchedules(
  db: Db,
  cadences: readonly SchedulableCadence[],
  since: Date,
): Promise<Map<string, Schedule>> {
  const from = new Date(since.getTime() - SCHEDULE_LOOKBACK_MS);
  const teams = [...new Set(cadences.map((c) => c.slackTeamId))];
  const [changed, holidays] = await Promise.all([
    db.occurrence.findMany({
      where: {
        cadenceId: { in: cadences.map((c) => c.id) },
        OR: [
          { status: "skipped", dueAt: { gte: from } },
          { status: "moved", OR: [{ dueAt: { gte: from } }, { movedToAt: { gte: from } }] },
        ],
      },
      select: { cadenceId: true, dueAt: true, status: true, movedToAt: true },
    }),
    db.holiday.findMany({
      where: { slackTeamId: { in: teams }, date: { gte: from.toISOString().slice(0, 10) } },
      select: { slackTeamId: true, date: true },
    }),
  ]);
  const schedules = new Map<string, Schedule>();
  for (const cadence of cadences) {
    schedules.set(cadence.id, {
      recurrence: recurrenceOf(cadence),
      timezone: cadence.timezone,
      holidayPolicy: asHolidayPolicy(cadence.holidayPolicy),
      holidays: new Set(
        holidays.filter((h) => h.slackTeamId === cadence.slackTeamId).map((h) => h.date),
      ),
      exceptions: changed
        .filter((o) => o.cadenceId === cadence.id)
        .map((o) => ({
          originalDueAt: o.dueAt,
          kind: o.status === "moved" ? "moved" : "skipped",
          movedToAt: o.movedToAt,
        })),
    });
  }
  return schedules;
}

export async function loadSchedule(
  db: Db,
  cadence: SchedulableCadence,
  since: Date,
): Promise<Schedule> {
  return (await loadSchedules(db, [cadence], since)).get(cadence.id)!;
}

export interface HistoryEntry {
  cadenceId: string;
  changedBy: string | null;
  at: Date;
  summary: string;
  before: object;
  after: object;
}

type HistoryWriter = Pick<Db, "cadenceHistory">;

/** Records a change in the cadence's history (shown to admins in the Home tab). */
export function recordHistory(db: HistoryWriter, entry: HistoryEntry) {
  return db.cadenceHistory.create({
    data: {
      cadenceId: entry.cadenceId,
      changedBySlackUserId: entry.changedBy,
      changedAt: entry.at,
      summary: entry.summary,
      before: entry.before,
      after: entry.after,
    },
  });
}

/** The latest changes to a workspace's cadences, newest first. */
export function recentHistory(db: Db, slackTeamId: string, take: number) {
  return db.cadenceHistory.findMany({
    where: { cadence: { slackTeamId } },
    include: { cadence: { select: { title: true } } },
    orderBy: { changedAt: "desc" },
    take,
  });
}
