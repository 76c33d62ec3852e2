// Firing occurrences exactly once, across replicas and restarts:
// 1. materialise: a due cadence's occurrences become rows (unique per cadence and due time),
//    guarded by a compare-and-set on Cadence.nextDueAt so only one replica does it;
// 2. post: each pending occurrence is delivered once (src/scheduler/deliver-once.ts), so a post
//    that reached Slack before a replica crashed is never repeated.
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import { handlerFor } from "./handlers.js";
import { planMaterialisation, type CatchUpPolicy } from "./rules.js";
import { dueCadences, pendingOccurrences, recurrenceOf, type PendingOccurrence } from "./store.js";

export interface FiringDeps extends DeliveryDeps {
  policy: CatchUpPolicy & DeliveryDeps["policy"];
}

export async function materialiseDueOccurrences(deps: FiringDeps, limit = 1_000): Promise<number> {
  const now = deps.clock.now();
  let created = 0;
  for (const cadence of await dueCadences(deps.db, now, limit)) {
    const plan = planMaterialisation(
      {
        recurrence: recurrenceOf(cadence),
        timezone: cadence.timezone,
        nextDueAt: cadence.nextDueAt!,
        lastCompletedAt: cadence.lastCompletedAt,
      },
      now,
      deps.policy,
    );
    created += await deps.db.$transaction(async (tx) => {
      const moved = await tx.cadence.updateMany({
        where: { id: cadence.id, nextDueAt: cadence.nextDueAt },
        data: { nextDueAt: plan.nextDueAt },
      });
      if (moved.count === 0) return 0; // another replica got there first
      for (const occurrence of plan.occurrences) {
        await tx.occurrence.create({
          data: {
            cadenceId: cadence.id,
            dueAt: occurrence.dueAt,
            status: occurrence.status,
            late: occurrence.late,
          },
        });
      }
      return plan.occurrences.length;
    });
    const missed = plan.occurrences.filter((o) => o.status === "missed");
    if (missed.length)
      deps.logger.warn(
        { cadenceId: cadence.id, missed: missed.map((o) => o.dueAt) },
        "occurrences too old to post were recorded as missed",
      );
  }
  return created;
}

export async function postPendingOccurrences(
  deps: FiringDeps,
  limit = 1_000,
  concurrency = 8,
): Promise<number> {
  const pending = shuffle(await pendingOccurrences(deps.db, deps.clock.now(), limit));
  let posted = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      if (await postOccurrence(deps, next)) posted += 1;
    }
  });
  await Promise.all(workers);
  return posted;
}

async function postOccurrence(deps: FiringDeps, occurrence: PendingOccurrence): Promise<boolean> {
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
  const outcome = await deliverOnce(deps, {
    key: `post:${occurrence.id}`,
    target,
    message: () =>
      handlerFor(cadence.kind)({
        title: cadence.title,
        kind: cadence.kind,
        recurrence: recurrenceOf(cadence),
        timezone: cadence.timezone,
        driSlackUserId: cadence.driSlackUserId,
        dueAt: occurrence.dueAt,
        late: occurrence.late,
      }),
    onDelivered: async (channel, ts) => {
      await deps.db.occurrence.update({
        where: { id: occurrence.id },
        data: { status: "posted", channelId: channel, messageTs: ts, postedAt: deps.clock.now() },
      });
    },
  });
  return outcome === "delivered" || outcome === "already-delivered";
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
