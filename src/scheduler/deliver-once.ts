// Posting a Slack message exactly once across replicas: claim the work by key, and when taking
// over (from a replica that died mid-way, or after a failed attempt), first look for a post
// already tagged with that key in its message metadata (https://api.slack.com/metadata), so
// nothing is posted twice. A failure is retried with back-off up to the attempt cap, or given up
// at once when Slack's error is permanent (src/scheduler/slack-errors.ts).
import type { KnownBlock } from "@slack/types";
import type { WebClient, WebClientEvent } from "@slack/web-api";
import type { Clock } from "../clock.js";
import type { SlackClients } from "../slack/clients.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { deliveries, schedulerLagSeconds } from "../metrics/registry.js";
import { claimWork, completeWork, extendLease, failWork, retryWorkLater } from "./claims.js";
import { STOPPED, type WorkPool } from "./pool.js";
import { afterFailure, type RetryPolicy } from "./retry-policy.js";
import { classifySlackError, type PermanentCause } from "./slack-errors.js";

export const DELIVERY_EVENT_TYPE = "cadence_delivery";

/** The event WebClient emits when Slack answers 429, with Retry-After in seconds. */
const RATE_LIMITED = "rate_limited" as WebClientEvent.RATE_LIMITED;

export interface DeliveryDeps {
  db: Db;
  /** The client for each workspace: `await deps.slack.forWorkspace(slackTeamId)` (null: skip). */
  slack: SlackClients;
  clock: Clock;
  logger: Logger;
  owner: string;
  /** Shared by every delivery of this replica (src/scheduler/pool.ts). */
  pool: WorkPool;
  policy: { leaseMs: number; retry: RetryPolicy };
}

/** Why a delivery was given up: told once to whoever the duty names (Delivery.onGaveUp). */
export interface DeliveryFailure {
  key: string;
  target: string;
  /** Slack's error code, or "timeout", "network", "http_503", ... */
  code: string;
  /** Set for a permanent Slack error; unset when the attempt cap was reached. */
  cause?: PermanentCause;
  attempts: number;
  lastError: string;
}

export interface Delivery {
  /** Unique for the unit of work, e.g. "post:<occurrence id>". */
  key: string;
  /** The workspace it is delivered in: its bot's token posts it. */
  slackTeamId: string;
  /** A channel id, or a user id for a DM; deliveries to one target are paced (pacing.ts). */
  target: string;
  /** When the work fell due (an occurrence's due time): how late it was delivered is measured. */
  dueAt?: Date;
  message(): Promise<{ text: string; blocks: KnownBlock[] }>;
  /** Records the outcome; runs before the claim is marked done. */
  onDelivered(channel: string, ts: string): Promise<void>;
  /** Runs once, by the replica that gave up, outside the pool (it may deliver notices). */
  onGaveUp?(failure: DeliveryFailure): Promise<void>;
}

export type DeliveryOutcome =
  | "delivered"
  | "already-delivered"
  /** Held by another replica, waiting for its retry time, or finished earlier. */
  | "claimed-elsewhere"
  /** Failed for now; retried after its back-off. */
  | "retrying"
  /** Failed for good (permanent error or attempt cap); people were told. */
  | "gave-up"
  /** The scheduler is stopping: not attempted. */
  | "stopped"
  /** Cadence is not installed in the workspace (any more): not attempted. */
  | "uninstalled";

async function dmChannel(slack: WebClient, target: string): Promise<string> {
  if (!/^[UW]/.test(target)) return target;
  const opened = await slack.conversations.open({ users: target });
  if (!opened.channel?.id) throw new Error(`could not open a DM with ${target}`);
  return opened.channel.id;
}

/** Pages of history read when looking for an earlier attempt's post (200 messages a page). */
const HISTORY_PAGES = 5;

async function findEarlierPost(
  deps: DeliveryDeps,
  slack: WebClient,
  channel: string,
  key: string,
  since: Date,
): Promise<string | null> {
  let cursor: string | undefined;
  try {
    for (let page = 0; page < HISTORY_PAGES; page += 1) {
      const history = await slack.conversations.history({
        channel,
        oldest: String(Math.floor(since.getTime() / 1000)),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const earlier = history.messages?.find(
        (message) =>
          message.metadata?.event_type === DELIVERY_EVENT_TYPE &&
          (message.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
      );
      if (earlier?.ts) return earlier.ts;
      cursor = history.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
  } catch (error) {
    // Reading history can fail where posting works (chat:write.public posts to a channel the bot
    // has not joined, whose history it cannot read): the lookup never decides the delivery's fate.
    deps.logger.warn(
      { err: error, key, channel },
      "could not look for an earlier attempt's post; posting",
    );
  }
  return null;
}

/** Delivers through the replica's pool; a give-up's notices run after its slot is freed. */
export async function deliverOnce(
  deps: DeliveryDeps,
  delivery: Delivery,
): Promise<DeliveryOutcome> {
  const result = await deps.pool.run(() => attemptDelivery(deps, delivery), delivery.target);
  const outcome = result === STOPPED ? "stopped" : typeof result === "string" ? result : "gave-up";
  deliveries.inc({ outcome });
  if (outcome === "delivered" && delivery.dueAt)
    schedulerLagSeconds.observe(
      Math.max(0, deps.clock.now().getTime() - delivery.dueAt.getTime()) / 1000,
    );
  if (result === STOPPED || typeof result === "string") return outcome;
  await delivery
    .onGaveUp?.(result)
    .catch((error: unknown) =>
      deps.logger.error(
        { err: error, key: delivery.key },
        "telling people of a failed delivery failed",
      ),
    );
  return "gave-up";
}

async function attemptDelivery(
  deps: DeliveryDeps,
  delivery: Delivery,
): Promise<Exclude<DeliveryOutcome, "gave-up" | "stopped"> | DeliveryFailure> {
  // Before the claim: an uninstalled workspace's work is left as it is, for a reinstall.
  const slack = await deps.slack.forWorkspace(delivery.slackTeamId);
  if (!slack) return "uninstalled";
  const claimedAt = deps.clock.now();
  const claim = await claimWork(deps.db, delivery.key, deps.owner, claimedAt, deps.policy.leaseMs);
  if (!claim.owned) return "claimed-elsewhere";
  // On a 429 the client waits out Retry-After, holding every call it has queued meanwhile: the
  // claim is kept for the wait, so no other replica takes over work that is only waiting.
  const keepClaim = (retryAfterSeconds: number) =>
    void extendLease(
      deps.db,
      delivery.key,
      deps.owner,
      new Date(deps.clock.now().getTime() + retryAfterSeconds * 1_000 + deps.policy.leaseMs),
    ).catch((error: unknown) =>
      deps.logger.warn({ err: error, key: delivery.key }, "could not extend a claim's lease"),
    );
  slack.on(RATE_LIMITED, keepClaim);
  try {
    const channel = await dmChannel(slack, delivery.target);
    if (claim.attempt > 1) {
      const firstClaim = await deps.db.claim.findUnique({ where: { key: delivery.key } });
      const since = new Date((firstClaim?.createdAt ?? claimedAt).getTime() - 60_000);
      const earlier = await findEarlierPost(deps, slack, channel, delivery.key, since);
      if (earlier) {
        await delivery.onDelivered(channel, earlier);
        await completeWork(deps.db, delivery.key, deps.owner, deps.clock.now());
        return "already-delivered";
      }
    }
    const result = await slack.chat.postMessage({
      channel,
      ...(await delivery.message()),
      metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key: delivery.key } },
    });
    await delivery.onDelivered(result.channel ?? channel, result.ts ?? "");
    await completeWork(deps.db, delivery.key, deps.owner, deps.clock.now());
    return "delivered";
  } catch (error) {
    return recordFailure(deps, delivery, claim.attempt, error);
  } finally {
    slack.off(RATE_LIMITED, keepClaim);
  }
}

async function recordFailure(
  deps: DeliveryDeps,
  delivery: Delivery,
  attempt: number,
  error: unknown,
): Promise<"retrying" | "claimed-elsewhere" | DeliveryFailure> {
  const failure = classifySlackError(error);
  const now = deps.clock.now();
  const decision = afterFailure(
    attempt,
    Boolean(failure.permanent),
    now,
    deps.policy.retry,
    Math.random(),
    failure.retryAfterMs,
  );
  const context = { err: error, key: delivery.key, attempt, code: failure.code };
  if (decision.action === "retry") {
    deps.logger.warn(
      { ...context, retryAt: decision.at },
      "a Slack post failed; it will be retried",
    );
    await retryWorkLater(deps.db, delivery.key, deps.owner, decision.at, failure.detail);
    return "retrying";
  }
  deps.logger.error(
    { ...context, reason: decision.reason },
    "a Slack post failed for good; the people responsible are told",
  );
  const mine = await failWork(deps.db, delivery.key, deps.owner, now, failure.detail);
  if (!mine) return "claimed-elsewhere";
  return {
    key: delivery.key,
    target: delivery.target,
    code: failure.code,
    cause: failure.permanent,
    attempts: attempt,
    lastError: failure.detail,
  };
}
