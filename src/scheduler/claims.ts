// Exactly-once work across replicas. A unit of work (posting an occurrence, sending a reminder)
// has a key; the replica that inserts the Claim row does the work. If it dies before marking the
// claim done, the lease runs out and another replica takes the work over, told by `attempt > 1`
// that an earlier attempt may already have reached Slack.
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";

export interface ClaimOutcome {
  owned: boolean;
  /** 1 for a first claim; more when taking over from an owner whose lease expired. */
  attempt: number;
}

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
  return { owned: claim?.owner === owner, attempt: claim?.attempts ?? 0 };
}

export async function completeWork(db: Db, key: string, owner: string, now: Date): Promise<void> {
  await db.claim.updateMany({ where: { key, owner }, data: { status: "done", doneAt: now } });
}

/** Gives the work back after a failure, so the next sweep can retry it without waiting out the lease. */
export async function releaseWork(
  db: Db,
  key: string,
  owner: string,
  retryAt: Date,
): Promise<void> {
  await db.claim.updateMany({
    where: { key, owner, status: "claimed" },
    data: { leaseUntil: retryAt },
  });
}
