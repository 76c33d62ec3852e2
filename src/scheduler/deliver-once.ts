// Posting a Slack message exactly once across replicas: claim the work by key, and when taking
// over from a replica that died mid-way, first look for a post already tagged with that key in
// its message metadata (https://api.slack.com/metadata), so nothing is posted twice.
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { claimWork, completeWork, releaseWork } from "./claims.js";

export const DELIVERY_EVENT_TYPE = "cadence_delivery";

export interface DeliveryDeps {
  db: Db;
  slack: WebClient;
  clock: Clock;
  logger: Logger;
  owner: string;
  policy: { leaseMs: number; retryAfterMs: number };
}

export interface Delivery {
  /** Unique for the unit of work, e.g. "post:<occurrence id>". */
  key: string;
  /** A channel id, or a user id for a DM. */
  target: string;
  message(): Promise<{ text: string; blocks: KnownBlock[] }>;
  /** Records the outcome; runs before the claim is marked done. */
  onDelivered(channel: string, ts: string): Promise<void>;
}

export type DeliveryOutcome = "delivered" | "already-delivered" | "claimed-elsewhere" | "failed";

async function dmChannel(slack: WebClient, target: string): Promise<string> {
  if (!/^[UW]/.test(target)) return target;
  const opened = await slack.conversations.open({ users: target });
  if (!opened.channel?.id) throw new Error(`could not open a DM with ${target}`);
  return opened.channel.id;
}

async function findEarlierPost(
  slack: WebClient,
  channel: string,
  key: string,
  since: Date,
): Promise<string | null> {
  const history = await slack.conversations.history({
    channel,
    oldest: String(Math.floor(since.getTime() / 1000)),
    include_all_metadata: true,
    limit: 200,
  });
  const earlier = history.messages?.find(
    (message) =>
      message.metadata?.event_type === DELIVERY_EVENT_TYPE &&
      (message.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
  );
  return earlier?.ts ?? null;
}

export async function deliverOnce(
  deps: DeliveryDeps,
  delivery: Delivery,
): Promise<DeliveryOutcome> {
  const claimedAt = deps.clock.now();
  const claim = await claimWork(deps.db, delivery.key, deps.owner, claimedAt, deps.policy.leaseMs);
  if (!claim.owned) return "claimed-elsewhere";
  try {
    const channel = await dmChannel(deps.slack, delivery.target);
    if (claim.attempt > 1) {
      const firstClaim = await deps.db.claim.findUnique({ where: { key: delivery.key } });
      const since = new Date((firstClaim?.createdAt ?? claimedAt).getTime() - 60_000);
      const earlier = await findEarlierPost(deps.slack, channel, delivery.key, since);
      if (earlier) {
        await delivery.onDelivered(channel, earlier);
        await completeWork(deps.db, delivery.key, deps.owner, deps.clock.now());
        return "already-delivered";
      }
    }
    const result = await deps.slack.chat.postMessage({
      channel,
      ...(await delivery.message()),
      metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key: delivery.key } },
    });
    await delivery.onDelivered(result.channel ?? channel, result.ts ?? "");
    await completeWork(deps.db, delivery.key, deps.owner, deps.clock.now());
    return "delivered";
  } catch (error) {
    deps.logger.error({ err: error, key: delivery.key }, "a Slack post failed; it will be retried");
    await releaseWork(
      deps.db,
      delivery.key,
      deps.owner,
      new Date(deps.clock.now().getTime() + deps.policy.retryAfterMs),
    );
    return "failed";
  }
}
