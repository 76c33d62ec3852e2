// The QBR scorecard posted once at quarter end, in the weekly funnel review's channel (where the
// revenue meeting reads its numbers), else the admin channel; and the ICP review's early check
// for the quarter that ended. Tried during the first week after the quarter ends, once per
// workspace and quarter (deliverOnce's key).
import type { DeliveryDeps } from "../scheduler/deliver-once.js";
import { deliverOnce } from "../scheduler/deliver-once.js";
import { fallbackText } from "../slack/blocks.js";
import { settingsOf } from "../workspaces/settings.js";
import type { ReviewDeps } from "./mql-pack.js";
import { buildQbrScorecard } from "./qbr.js";
import { qbrBlocks } from "./qbr-views.js";
import { sendEarlyIcpPack } from "./service.js";
import { lastCompleteQuarter } from "./window.js";

const POST_WITHIN_MS = 7 * 86_400_000;

export async function qbrTarget(deps: ReviewDeps, slackTeamId: string): Promise<string | null> {
  const review = await deps.db.cadence.findFirst({
    where: { slackTeamId, kind: "weekly_funnel_review" },
    orderBy: { createdAt: "asc" },
  });
  if (review?.channelId) return review.channelId;
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  return workspace ? (settingsOf(workspace).adminChannelId ?? null) : null;
}

export async function postQuarterEndScorecards(deps: ReviewDeps & DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const workspaces = await deps.db.workspace.findMany({
    select: { slackTeamId: true, timezone: true },
  });
  let posted = 0;
  for (const { slackTeamId, timezone } of workspaces) {
    const quarter = lastCompleteQuarter(now, timezone);
    if (now.getTime() - quarter.end.getTime() > POST_WITHIN_MS) continue;
    await sendEarlyIcpPack(deps, slackTeamId, quarter);
    const target = await qbrTarget(deps, slackTeamId);
    if (!target) continue;
    const outcome = await deliverOnce(deps, {
      key: `qbr:${slackTeamId}:${quarter.quarter}`,
      slackTeamId,
      target,
      message: async () => {
        const blocks = qbrBlocks(await buildQbrScorecard(deps, slackTeamId, quarter));
        return { text: fallbackText(blocks), blocks };
      },
      onDelivered: () => Promise.resolve(),
    });
    if (outcome === "delivered") posted += 1;
  }
  return posted;
}
