// The digest as a workspace sees it: its timezone and thresholds, the Monday post with its chart
// and tables in the thread, and the one-time alert to the MQL review's DRI.
import type { WebClient } from "@slack/web-api";
import type { SlackClients } from "../slack/clients.js";
import type { KnownBlock } from "@slack/types";
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import { fallbackText, section } from "../slack/blocks.js";
import { settingsOf } from "../workspaces/settings.js";
import { renderDigestChart, type DigestChartInput } from "./chart.js";
import {
  buildDigest,
  DEFAULT_REJECTION_THRESHOLD,
  DEFAULT_SLA_MINUTES,
  type Digest,
  type WeeklyTrend,
} from "./digest.js";
import { digestBlocks, digestThreadBlocks, pct, weekTitle } from "./views.js";
import { lastCompleteWeek, weekContaining, type ReportingWeek } from "./week.js";

export interface DigestDeps {
  db: Db;
  provider: DatabaseProvider;
}

export interface WorkspaceDigest {
  digest: Digest;
  trend: WeeklyTrend[];
  slaMinutes: number;
  rejectionThreshold: number;
}

export type WeekChoice =
  { kind: "last-complete"; now: Date } | { kind: "containing"; day: Date | string };

export class UnknownWorkspaceError extends Error {}

export async function workspaceDigest(
  deps: DigestDeps,
  slackTeamId: string,
  choice: WeekChoice,
  timezone?: string,
): Promise<WorkspaceDigest> {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) throw new UnknownWorkspaceError(`No workspace ${slackTeamId} in this database.`);
  const settings = settingsOf(workspace);
  const zone = timezone ?? workspace.timezone;
  const week: ReportingWeek =
    choice.kind === "last-complete"
      ? lastCompleteWeek(choice.now, zone)
      : weekContaining(choice.day, zone);
  const slaMinutes = settings.slaMinutes ?? DEFAULT_SLA_MINUTES;
  const rejectionThreshold = settings.rejectionThreshold ?? DEFAULT_REJECTION_THRESHOLD;
  const built = await buildDigest(deps.db, deps.provider, {
    slackTeamId,
    week,
    slaMinutes,
    rejectionThreshold,
  });
  return { ...built, slaMinutes, rejectionThreshold };
}

export function chartInput(digest: Digest, trend: WeeklyTrend[]): DigestChartInput {
  return {
    title: `Funnel · ${weekTitle(digest)}`,
    funnel: {
      mql: digest.volumes.mql,
      sql: digest.volumes.sql,
      opportunities: digest.volumes.opportunities,
      won: digest.volumes.won,
    },
    trend,
  };
}

async function mqlReviewDri(db: Db, slackTeamId: string): Promise<string | null> {
  const review = await db.cadence.findFirst({
    where: { slackTeamId, kind: "mql_definition_review" },
    orderBy: { createdAt: "asc" },
  });
  return review?.driSlackUserId ?? null;
}

/** The Monday post: the last complete week before the occurrence's due time. */
export async function weeklyDigestPost(
  deps: DigestDeps & DeliveryDeps,
  slackTeamId: string,
  occurrence: { dueAt: Date; driSlackUserId: string | null; lateNote?: string },
): Promise<{
  text: string;
  blocks: KnownBlock[];
  afterPost: (channel: string, ts: string) => Promise<void>;
}> {
  const built = await workspaceDigest(deps, slackTeamId, {
    kind: "last-complete",
    now: occurrence.dueAt,
  });
  const { digest, trend } = built;
  const reviewDri = await mqlReviewDri(deps.db, slackTeamId);
  const blocks = digestBlocks(digest, {
    driSlackUserId: occurrence.driSlackUserId,
    mqlReviewDriSlackUserId: reviewDri,
    rejectionThreshold: built.rejectionThreshold,
    detailNote: "Chart and per-rep, per-team and per-source tables in the thread",
    lateNote: occurrence.lateNote,
  });
  return {
    text: fallbackText(blocks),
    blocks,
    afterPost: async (channel, ts) => {
      const slack = await deps.slack.forWorkspace(slackTeamId);
      if (slack) await postDigestDetail(slack, channel, ts, digest, trend);
      if (digest.rejectionTrend.mqlReviewTriggered && reviewDri)
        await alertMqlReviewOnce(deps, slackTeamId, reviewDri, digest, built.rejectionThreshold);
    },
  };
}

/** The chart (uploaded with files.uploadV2) and the tables, in the digest's thread. */
export async function postDigestDetail(
  slack: WebClient,
  channel: string,
  ts: string,
  digest: Digest,
  trend: WeeklyTrend[],
): Promise<void> {
  const png = await renderDigestChart(chartInput(digest, trend));
  await slack.filesUploadV2({
    channel_id: channel,
    thread_ts: ts,
    file: png,
    filename: `funnel-${digest.week.start}.png`,
    title: `Funnel, week of ${digest.week.start}`,
    alt_text: `Funnel for the week of ${digest.week.start}: ${digest.volumes.mql} MQLs, ${digest.volumes.sql} accepted, ${digest.volumes.opportunities} opportunities, ${digest.volumes.won} won; 8-week trend of MQLs, acceptance rate and SLA compliance.`,
  });
  const thread = digestThreadBlocks(digest);
  await slack.chat.postMessage({
    channel,
    thread_ts: ts,
    text: fallbackText(thread),
    blocks: thread,
  });
}

/**
 * Tells the MQL-definition review's DRI, once per pair of months (a claim in the database makes
 * it once across replicas and weeks), that rejections have stayed above the threshold.
 */
export async function alertMqlReviewOnce(
  deps: DeliveryDeps,
  slackTeamId: string,
  driSlackUserId: string,
  digest: Digest,
  threshold: number,
): Promise<void> {
  const months = digest.rejectionTrend.months;
  const rates = months.map((m) => `${m.month}: ${pct(m.rejectionRate)}`).join(", ");
  await deliverOnce(deps, {
    key: `mql-review-alert:${slackTeamId}:${months.map((m) => m.month).join("+")}`,
    slackTeamId,
    target: driSlackUserId,
    message: () =>
      Promise.resolve({
        text: `MQL rejections have stayed above ${pct(threshold)} for two months (${rates}). As the MQL-definition review's DRI, please bring the review forward: sales is telling marketing the definition has drifted.`,
        blocks: [
          section(
            `:rotating_light: MQL rejections have stayed above *${pct(threshold)}* for two months (${rates}).\nAs the MQL-definition review's DRI, please bring the review forward: the definition has drifted from what sales accepts.`,
          ),
        ],
      }),
    onDelivered: () => Promise.resolve(),
  });
}

/**
 * Posts a digest on request (`cadence digest --post`): where the weekly funnel review posts (its
 * channel, else its DRI), with the chart and tables in the thread. Says where it went.
 */
export async function postDigestNow(
  deps: DigestDeps,
  clients: SlackClients,
  slackTeamId: string,
  built: WorkspaceDigest,
): Promise<string> {
  const slack = await clients.forWorkspace(slackTeamId);
  if (!slack)
    throw new UnknownWorkspaceError(
      `Cadence is not installed in ${slackTeamId} (uninstalled, or its tokens were revoked): nothing was posted.`,
    );
  const review = await deps.db.cadence.findFirst({
    where: { slackTeamId, kind: "weekly_funnel_review" },
    orderBy: { createdAt: "asc" },
  });
  const target = review?.channelId ?? review?.driSlackUserId;
  if (!target)
    throw new UnknownWorkspaceError(
      "The weekly funnel review has no channel and no DRI: `/cadence channel funnel #channel` first.",
    );
  const blocks = digestBlocks(built.digest, {
    driSlackUserId: review?.driSlackUserId,
    mqlReviewDriSlackUserId: await mqlReviewDri(deps.db, slackTeamId),
    rejectionThreshold: built.rejectionThreshold,
    detailNote: "Chart and per-rep, per-team and per-source tables in the thread",
  });
  const posted = await slack.chat.postMessage({
    channel: target,
    text: fallbackText(blocks),
    blocks,
  });
  await postDigestDetail(
    slack,
    posted.channel ?? target,
    posted.ts ?? "",
    built.digest,
    built.trend,
  );
  return `Posted to ${posted.channel ?? target} (message ${posted.ts ?? "?"}).`;
}
