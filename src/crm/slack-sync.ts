// `/cadence crm sync` as a use case: an admin starts a sync of the workspace's CRM from Slack.
// It runs in the background under the same per-workspace claim as the scheduled sync
// (./sync-duty.ts: keys `crm.sync:<team>:…`), so a manual sync and the scheduled one never run
// together; its progress goes in the thread of a "Syncing from <CRM>…" message in the asker's
// DM, then a summary. That message is posted before the command is answered, so the answer (seen
// where the command was typed, perhaps a channel) links to the thread.
import type { WebClient } from "@slack/web-api";
import { isCadenceAdmin } from "../cadences/rules.js";
import type { Clock } from "../clock.js";
import type { CrmConfig } from "../config.js";
import type { Db } from "../db/client.js";
import type { LeadDatabase } from "../funnel/bulk-writer.js";
import type { Logger } from "../logger.js";
import { claimWork, completeWork } from "../scheduler/claims.js";
import type { Actor } from "../slack/actor.js";
import { newReference } from "../slack/answered.js";
import { escapeMrkdwn } from "../slack/mrkdwn.js";
import { findWorkspace } from "../workspaces/store.js";
import { syncConnection, type SyncSummary } from "./service.js";
import { findConnection } from "./store.js";

const PROVIDER_NAMES = { hubspot: "HubSpot", salesforce: "Salesforce" } as const;

/** How often, at most, a progress line is posted in the thread while a sync runs. */
export const PROGRESS_EVERY_MS = 3_000;

export interface SlackSyncDeps {
  db: Db;
  database: LeadDatabase;
  slack: WebClient;
  logger: Logger;
  clock: Clock;
  config: CrmConfig;
  adminUserIds: readonly string[];
  /** This replica's name, as its claims are signed. */
  owner: string;
}

/** Where the sync's progress is posted: the DM message whose thread it is in. */
export interface ProgressThread {
  channel: string;
  ts: string;
  /** A link to the message, or null when Slack gave none. */
  permalink: string | null;
  /** The CRM's name, as the thread says it. */
  crm: string;
}

export type SyncStart =
  | { started: true; done: Promise<void>; thread: ProgressThread }
  | { started: false; message: string };

/** The answer to `/cadence crm sync`, wherever it was typed: where the progress will be. */
export function syncStartedText(thread: ProgressThread): string {
  return thread.permalink
    ? `Syncing from ${thread.crm}: progress and the summary are in <${thread.permalink}|this thread in our DM>.`
    : `Syncing from ${thread.crm}: progress and the summary are in the thread of the “Syncing from ${thread.crm}…” message in our DM (Cadence, under Apps).`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** A claim key of the scheduled sync's family: its `syncingElsewhere` check sees it too. */
const manualKey = (slackTeamId: string, now: Date) =>
  `crm.sync:${slackTeamId}:manual-${now.toISOString()}`;

async function syncRunning(db: Db, slackTeamId: string, now: Date): Promise<number> {
  return db.claim.count({
    where: {
      key: { startsWith: `crm.sync:${slackTeamId}:` },
      status: "claimed",
      leaseUntil: { gt: now },
    },
  });
}

/**
 * Checks who asks and whether a sync can start; if so, claims the workspace and starts it in the
 * background (the returned promise resolves when it has finished and said so in Slack).
 */
export async function startSlackSync(
  deps: SlackSyncDeps,
  actor: Actor,
  place: { channel: string },
): Promise<SyncStart> {
  const no = (message: string): SyncStart => ({ started: false, message });
  if (!isCadenceAdmin(actor, deps.adminUserIds))
    return no("Only an admin can sync the CRM: it changes the numbers everyone sees.");
  const connection = await findConnection(deps.db, actor.teamId);
  if (!connection)
    return no(
      "No CRM is connected for this workspace: an admin connects one on the server with `cadence crm connect hubspot` or `cadence crm connect salesforce` (see the README, Connect HubSpot and Connect Salesforce).",
    );
  if (!deps.config.encryptionKey)
    return no(
      "CADENCE_ENCRYPTION_KEY is not set on the server, so the CRM credentials cannot be opened. Set it (the key the connection was made with) and restart Cadence.",
    );
  const now = deps.clock.now();
  const busy =
    "A CRM sync is already running for this workspace; its result will be in `/cadence crm status` when it has finished.";
  if ((await syncRunning(deps.db, actor.teamId, now)) > 0) return no(busy);
  const key = manualKey(actor.teamId, now);
  const lease = deps.config.syncIntervalMs;
  const claim = await claimWork(deps.db, key, deps.owner, now, lease);
  // Two starts at once both pass the check above: the later-claimed one steps back.
  if (!claim.owned || (await syncRunning(deps.db, actor.teamId, now)) > 1) {
    await deps.db.claim.deleteMany({ where: { key, owner: deps.owner } });
    return no(busy);
  }
  let thread: ProgressThread;
  try {
    thread = await postProgressThread(deps, place, PROVIDER_NAMES[connection.provider]);
  } catch (error) {
    // Nothing started: the scheduled sync may run at once.
    await completeWork(deps.db, key, deps.owner, deps.clock.now());
    throw error;
  }
  const done = runSync(deps, actor.teamId, key, thread).catch((error: unknown) =>
    deps.logger.error({ err: error, slackTeamId: actor.teamId }, "CRM sync from Slack failed"),
  );
  return { started: true, done, thread };
}

async function postProgressThread(
  deps: SlackSyncDeps,
  place: { channel: string },
  crm: string,
): Promise<ProgressThread> {
  const started = await deps.slack.chat.postMessage({
    channel: place.channel,
    text: `Syncing from ${crm}…`,
  });
  const channel = started.channel ?? place.channel;
  const ts = started.ts ?? "";
  const permalink = await deps.slack.chat
    .getPermalink({ channel, message_ts: ts })
    .then((answer) => answer.permalink ?? null)
    .catch((error: unknown) => {
      deps.logger.warn({ err: error, channel }, "no permalink for the sync's progress thread");
      return null;
    });
  return { channel, ts, permalink, crm };
}

async function runSync(
  deps: SlackSyncDeps,
  slackTeamId: string,
  key: string,
  thread: ProgressThread,
): Promise<void> {
  const reply = (text: string) =>
    deps.slack.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text });
  const renew = () =>
    deps.db.claim.updateMany({
      where: { key, owner: deps.owner, status: "claimed" },
      data: { leaseUntil: new Date(deps.clock.now().getTime() + deps.config.syncIntervalMs) },
    });
  let lastPosted = 0;
  try {
    const workspace = await findWorkspace(deps.db, slackTeamId);
    const result = await syncConnection({ ...deps.database, db: deps.db }, deps, {
      slackTeamId,
      timezone: workspace?.timezone ?? "UTC",
      now: () => deps.clock.now(),
      onProgress: async (progress) => {
        await renew();
        if (Date.now() - lastPosted < PROGRESS_EVERY_MS) return;
        lastPosted = Date.now();
        await reply(
          `${count(progress.read)} of about ${count(progress.total)} records read so far (changed up to <!date^${Math.floor(progress.upTo.getTime() / 1000)}^{date_short} {time}|${progress.upTo.toISOString()}>).`,
        );
      },
    });
    await reply(
      result.ok
        ? syncSummaryText(result.summary)
        : `:x: The sync stopped: ${escapeMrkdwn(result.message)}`,
    );
  } catch (error) {
    const reference = newReference();
    deps.logger.error({ err: error, reference, slackTeamId }, "CRM sync from Slack failed");
    await reply(
      `:x: The sync stopped: something went wrong on our side (reference ${reference}). Records stored before this stay stored; the next sync resumes after them.`,
    );
  } finally {
    // Done either way: the scheduled sync may run again from the next interval.
    await completeWork(deps.db, key, deps.owner, deps.clock.now());
  }
}

/** The thread's last message: what was read, stored and refused, and why (the first few). */
export function syncSummaryText(summary: SyncSummary): string {
  const stored = summary.inserted + summary.updated;
  const lines = [
    `:white_check_mark: Sync finished: ${count(summary.read)} records read, ${count(stored)} stored (${count(summary.inserted)} new, ${count(summary.updated)} updated), ${count(summary.unchanged)} unchanged, ${count(summary.refused)} refused, ${count(summary.removed)} removed.`,
  ];
  for (const problem of summary.problems.slice(0, 5))
    lines.push(
      `• ${escapeMrkdwn(problem.crmId)}: ${escapeMrkdwn(problem.column)} ${escapeMrkdwn(problem.problem)}`,
    );
  if (summary.problems.length > 5)
    lines.push(
      `…and ${count(summary.problems.length - 5)} more: \`cadence crm preview\` shows them.`,
    );
  return lines.join("\n");
}
