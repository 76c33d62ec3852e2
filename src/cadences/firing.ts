// Firing occurrences exactly once, across replicas and restarts:
// 1. materialise: a due cadence's occurrences become rows (unique per cadence and due time),
//    guarded by a compare-and-set on Cadence.nextDueAt so only one replica does it;
// 2. post: each pending occurrence is delivered once (src/scheduler/deliver-once.ts), so a post
//    that reached Slack before a replica crashed is never repeated; one given up is "failed" and
//    its DRI and the admin channel are told (src/cadences/undeliverable.ts).
import { deliverOnce } from "../scheduler/deliver-once.js";
import type { FiringDeps } from "./firing-deps.js";
import {
  FIRING_HANDLERS,
  handlerFor,
  type FiringHandlers,
  type FiringMessage,
} from "./handlers.js";
import { tellUndeliverable } from "./undeliverable.js";
import { planMaterialisation } from "./rules.js";
import {
  dueCadences,
  loadSchedules,
  pendingOccurrences,
  recurrenceOf,
  type PendingOccurrence,
} from "./store.js";

export type { FiringDeps } from "./firing-deps.js";

/** Cadences moved per transaction: one commit per batch instead of one per cadence. */
const MATERIALISE_BATCH = 100;

export async function materialiseDueOccurrences(deps: FiringDeps, limit = 1_000): Promise<number> {
  const now = deps.clock.now();
  const due = await dueCadences(deps.db, now, limit);
  let created = 0;
  for (let start = 0; start < due.length; start += MATERIALISE_BATCH) {
    const slice = due.slice(start, start + MATERIALISE_BATCH);
    const schedules = await loadSchedules(
      deps.db,
      slice,
      new Date(Math.min(now.getTime(), ...slice.map((c) => c.nextDueAt!.getTime()))),
    );
    const batch = slice.map((cadence) => ({
      cadence,
      plan: planMaterialisation(
        { schedule: schedules.get(cadence.id)!, nextDueAt: cadence.nextDueAt! },
        now,
        deps.policy,
      ),
    }));
    created += await moveBatch(deps.db, batch, "grouped").catch((error: unknown) => {
      if (!(error instanceof RaceLost)) throw error;
      return moveBatch(deps.db, batch, "one-by-one");
    });
    for (const { cadence, plan } of batch) {
      const missed = plan.occurrences.filter((o) => o.status === "missed");
      if (missed.length)
        deps.logger.warn(
          { cadenceId: cadence.id, missed: missed.map((o) => o.dueAt) },
          "occurrences too old to post were recorded as missed",
        );
    }
  }
  return created;
}

type Planned = {
  cadence: Awaited<ReturnType<typeof dueCadences>>[number];
  plan: ReturnType<typeof planMaterialisation>;
};

/** Another replica moved some cadences of a group first: redo the batch one cadence at a time. */
class RaceLost extends Error {}

/**
 * Moves each cadence's nextDueAt with a compare-and-set and creates the occurrences of those this
 * replica moved, in one transaction. "grouped" moves cadences going between the same two dates
 * (the usual case: many due at once) in one statement, and gives up (rolls back) if any of them
 * was moved by another replica; "one-by-one" then tells them apart.
 */
function moveBatch(
  db: FiringDeps["db"],
  batch: Planned[],
  mode: "grouped" | "one-by-one",
): Promise<number> {
  return db.$transaction(async (tx) => {
    const rows = [];
    const groups = mode === "grouped" ? groupByMove(batch) : batch.map((item) => [item]);
    for (const group of groups) {
      const moved = await tx.cadence.updateMany({
        where: {
          id: { in: group.map((g) => g.cadence.id) },
          nextDueAt: group[0]!.cadence.nextDueAt,
        },
        data: { nextDueAt: group[0]!.plan.nextDueAt },
      });
      if (moved.count !== group.length) {
        if (mode === "grouped") throw new RaceLost();
        continue;
      }
      for (const { cadence, plan } of group) {
        rows.push(
          ...plan.occurrences.map((o) => ({
            cadenceId: cadence.id,
            dueAt: o.dueAt,
            originalDueAt: o.originalDueAt,
            status: o.status,
            late: o.late,
          })),
        );
      }
    }
    // A due time already on record (a skipped or moved one, or one an edit brought back) is
    // not created twice.
    const existing = rows.length
      ? await tx.occurrence.findMany({
          where: {
            cadenceId: { in: [...new Set(rows.map((r) => r.cadenceId))] },
            dueAt: { in: [...new Set(rows.map((r) => r.dueAt.getTime()))].map((t) => new Date(t)) },
          },
          select: { cadenceId: true, dueAt: true },
        })
      : [];
    const taken = new Set(existing.map((o) => `${o.cadenceId}@${o.dueAt.getTime()}`));
    const fresh = rows.filter((r) => !taken.has(`${r.cadenceId}@${r.dueAt.getTime()}`));
    if (fresh.length) await tx.occurrence.createMany({ data: fresh });
    return fresh.length;
  });
}

function groupByMove(batch: Planned[]): Planned[][] {
  const groups = new Map<string, Planned[]>();
  for (const item of batch) {
    const key = `${item.cadence.nextDueAt?.getTime()}>${item.plan.nextDueAt?.getTime() ?? "null"}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

/** Materialises due occurrences, then posts every pending one: the scheduler's firing duty. */
export async function fireDueCadences(
  deps: FiringDeps,
  handlers: FiringHandlers = FIRING_HANDLERS,
): Promise<void> {
  await materialiseDueOccurrences(deps);
  await postPendingOccurrences(deps, handlers);
}

/** Posts pending occurrences side by side; the replica's pool bounds how many at once. */
export async function postPendingOccurrences(
  deps: FiringDeps,
  handlers: FiringHandlers = FIRING_HANDLERS,
  limit = 1_000,
): Promise<number> {
  const pending = shuffle(await pendingOccurrences(deps.db, deps.clock.now(), limit));
  const posted = await Promise.all(pending.map((next) => postOccurrence(deps, handlers, next)));
  return posted.filter(Boolean).length;
}

async function postOccurrence(
  deps: FiringDeps,
  handlers: FiringHandlers,
  occurrence: PendingOccurrence,
): Promise<boolean> {
  const { cadence } = occurrence;
  // Its channel, else the DRI's DM; with neither there is nobody to tell.
  const target = cadence.channelId ?? cadence.driSlackUserId;
  if (!target) {
    await deps.db.occurrence.update({ where: { id: occurrence.id }, data: { status: "missed" } });
    deps.logger.warn(
      { cadenceId: cadence.id, occurrenceId: occurrence.id },
      "occurrence has no channel and no DRI: recorded as missed",
    );
    return false;
  }
  let prepared: FiringMessage | undefined;
  let posted: { channel: string; ts: string } | undefined;
  const outcome = await deliverOnce(deps, {
    key: `post:${occurrence.id}`,
    slackTeamId: cadence.slackTeamId,
    target,
    dueAt: occurrence.dueAt,
    message: async () =>
      (prepared = await handlerFor(handlers, cadence.kind)(
        {
          title: cadence.title,
          kind: cadence.kind,
          recurrence: recurrenceOf(cadence),
          timezone: cadence.timezone,
          driSlackUserId: cadence.driSlackUserId,
          dueAt: occurrence.dueAt,
          late: occurrence.late,
        },
        { deps, slackTeamId: cadence.slackTeamId, cadenceId: cadence.id },
      )),
    onDelivered: async (channel, ts) => {
      posted = { channel, ts };
      await deps.db.occurrence.update({
        where: { id: occurrence.id },
        data: { status: "posted", channelId: channel, messageTs: ts, postedAt: deps.clock.now() },
      });
    },
    onGaveUp: async (failure) => {
      await deps.db.occurrence.updateMany({
        where: { id: occurrence.id, status: "pending" },
        data: { status: "failed" },
      });
      await tellUndeliverable(deps, cadence, failure, "the post");
    },
  });
  // Detail in the thread (the digest's chart and tables): best effort, after the post is recorded.
  if (outcome === "delivered" && prepared?.afterPost && posted) {
    await prepared
      .afterPost(posted.channel, posted.ts)
      .catch((error: unknown) =>
        deps.logger.error(
          { err: error, occurrenceId: occurrence.id },
          "the thread after a cadence post failed",
        ),
      );
  }
  return outcome === "delivered" || outcome === "already-delivered";
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
