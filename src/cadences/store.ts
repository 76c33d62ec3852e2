// Prisma queries for cadences, their DRI history and their occurrences.
import type { Db } from "../db/client.js";
import { RecurrenceSchema, type Recurrence } from "./recurrence.js";

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
    where: { slackTeamId },
    orderBy: [{ nextDueAt: "asc" }, { title: "asc" }],
  });
}

export function countCadences(db: Db, slackTeamId: string) {
  return db.cadence.count({ where: { slackTeamId } });
}

export function cadencesHeldBy(db: Db, slackTeamId: string, slackUserId: string) {
  return db.cadence.findMany({
    where: {
      slackTeamId,
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
  return db.$transaction(async (tx) => {
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
  });
}

export function dueCadences(db: Db, now: Date, limit: number) {
  return db.cadence.findMany({
    where: { active: true, nextDueAt: { lte: now } },
    orderBy: { nextDueAt: "asc" },
    take: limit,
  });
}

export function pendingOccurrences(db: Db, now: Date, limit: number) {
  return db.occurrence.findMany({
    where: { status: "pending", dueAt: { lte: now } },
    include: { cadence: { include: { workspace: true } } },
    orderBy: { dueAt: "asc" },
    take: limit,
  });
}
export type PendingOccurrence = Awaited<ReturnType<typeof pendingOccurrences>>[number];

export async function earliestNextDueAt(db: Db): Promise<Date | null> {
  const next = await db.cadence.findFirst({
    where: { active: true, nextDueAt: { not: null } },
    orderBy: { nextDueAt: "asc" },
    select: { nextDueAt: true },
  });
  return next?.nextDueAt ?? null;
}

export function findCadenceById(db: Db, slackTeamId: string, id: string) {
  return db.cadence.findFirst({ where: { id, slackTeamId } });
}
