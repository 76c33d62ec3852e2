// Exactly-once work across replicas. A unit of work (posting an occurrence, sending a reminder)
// has a key; the replica that inserts the Claim row does the work. If it dies before marking the
// claim done, the lease runs out and another replica takes the work over, told by `attempt > 1`
// that an earlier attempt may already have reached Slack. A failed attempt moves the lease to its
// retry time; a claim that gave up is "failed" and never taken again.
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { claimsTakenOver } from "../metrics/registry.js";

export interface ClaimOutcome {
  owned: boolean;
  /** 1 for a first claim; more when retrying or taking over from an owner whose lease expired. */
  attempt: number;
}

const FINISHED = ["done", "failed"];

export async function claimWork(
  db: Db,
  key: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimOutcome> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  try {
    await db.claim.create({ data: { key, owner, status: "claimed", leaseUntil } });
    return { owned: true, attempt: 1 };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const takeover = await db.claim.updateMany({
    where: { key, status: "claimed", leaseUntil: { lt: now } },
    data: { owner, leaseUntil, attempts: { increment: 1 } },
  });
  if (takeover.count === 0) return { owned: false, attempt: 0 };
  const claim = await db.claim.findUnique({ where: { key } });
  // A failed attempt left its retry time; otherwise an owner stopped (gave it back) or died.
  if (claim?.owner === owner)
    claimsTakenOver.inc({ reason: claim.nextAttemptAt ? "retry" : "abandoned" });
  return { owned: claim?.owner === owner, attempt: claim?.attempts ?? 0 };
}

export async function completeWork(db: Db, key: string, owner: string, now: Date): Promise<void> {
  await db.claim.updateMany({ where: { key, owner }, data: { status: "done", doneAt: now } });
}

/** Keeps a held claim at least until `until` (the work is waiting, not dead). */
export async function extendLease(db: Db, key: string, owner: string, until: Date): Promise<void> {
  await db.claim.updateMany({
    where: { key, owner, status: "claimed", leaseUntil: { lt: until } },
    data: { leaseUntil: until },
  });
}

/** Gives the work back after a temporary failure: the first sweep after `retryAt` retries it. */
export async function retryWorkLater(
  db: Db,
  key: string,
  owner: string,
  retryAt: Date,
  lastError: string,
): Promise<void> {
  await db.claim.updateMany({
    where: { key, owner, status: "claimed" },
    data: { leaseUntil: retryAt, nextAttemptAt: retryAt, lastError },
  });
}

/** Gives up for good; true for the one caller that moved it to "failed" (it tells people). */
export async function failWork(
  db: Db,
  key: string,
  owner: string,
  now: Date,
  lastError: string,
): Promise<boolean> {
  const failed = await db.claim.updateMany({
    where: { key, owner, status: "claimed" },
    data: { status: "failed", doneAt: now, nextAttemptAt: null, lastError },
  });
  return failed.count === 1;
}

/** On shutdown: what this replica still holds may be taken over at once by another. */
export async function releaseHeldClaims(db: Db, owner: string, now: Date): Promise<number> {
  const released = await db.claim.updateMany({
    // Not those waiting out a back-off: their lease is their retry time.
    where: {
      owner,
      status: "claimed",
      leaseUntil: { gt: now },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
    },
    data: { leaseUntil: now },
  });
  return released.count;
}

/** True when every key's work is finished: delivered, or given up (and people told). */
export async function workFinished(db: Db, keys: string[]): Promise<boolean> {
  if (keys.length === 0) return true;
  const finished = await db.claim.count({
    where: { key: { in: keys }, status: { in: FINISHED } },
  });
  return finished === new Set(keys).size;
}

/**
 * Deletes claims that finished before `before`. Safe because every key names a past instant or
 * a row whose own status now says it was handled (an occurrence posted or failed, a step marked).
 */
export async function purgeFinishedClaims(db: Db, before: Date): Promise<number> {
  const purged = await db.claim.deleteMany({
    where: { status: { in: FINISHED }, doneAt: { lt: before } },
  });
  return purged.count;
}
