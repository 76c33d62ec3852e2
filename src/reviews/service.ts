// The two definition reviews as they reach people: the pack on demand, the pack with the review
// when it fires, and the early packs: the MQL review's when rejections stay above the threshold
// (the digest's rule), the ICP review's when too many of a quarter's won deals fall outside it.
import type { KnownBlock } from "@slack/types";
import { DEFAULT_REJECTION_THRESHOLD } from "../digest/digest.js";
import { ratio } from "../digest/metrics.js";
import { DigestQueries } from "../digest/queries.js";
import { completeMonthsBefore } from "../digest/week.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import { context, fallbackText, fitBlocks, section } from "../slack/blocks.js";
import { settingsOf } from "../workspaces/settings.js";
import { pct } from "../digest/views.js";
import { packDefinition } from "./definition.js";
import { buildIcpPack, icpFitOver, type IcpPack } from "./icp-pack.js";
import { buildMqlPack, type MqlPack, type ReviewDeps } from "./mql-pack.js";
import { icpReviewDueEarly } from "./rules.js";
import { icpPackBlocks, mqlPackBlocks } from "./views.js";
import { DEFAULT_OUTSIDE_ICP_THRESHOLD, termsOf } from "../definitions/rules.js";
import type { Quarter } from "./window.js";

export type ReviewSubject = "mql" | "icp";
export const REVIEW_KINDS: Record<ReviewSubject, string> = {
  mql: "mql_definition_review",
  icp: "icp_review",
};
export const reviewSubjectOf = (kind: string): ReviewSubject | null =>
  kind === REVIEW_KINDS.mql ? "mql" : kind === REVIEW_KINDS.icp ? "icp" : null;

export const REVIEW_OUTCOME_ACTION = "review_outcome";

export async function reviewPack(
  deps: ReviewDeps,
  slackTeamId: string,
  subject: ReviewSubject,
): Promise<{ pack: MqlPack | IcpPack; blocks: KnownBlock[] }> {
  if (subject === "mql") {
    const pack = await buildMqlPack(deps, slackTeamId);
    return { pack, blocks: mqlPackBlocks(pack) };
  }
  const pack = await buildIcpPack(deps, slackTeamId);
  return { pack, blocks: icpPackBlocks(pack) };
}

/** The review's question once it is held: the definition confirmed, or a new version. */
export function outcomeButtons(cadenceId: string): KnownBlock {
  const value = (outcome: string) => JSON.stringify({ cadenceId, outcome });
  return {
    type: "actions",
    block_id: `review_outcome:${cadenceId}`,
    elements: [
      {
        type: "button",
        action_id: `${REVIEW_OUTCOME_ACTION}_confirmed`,
        text: { type: "plain_text", text: "Definition confirmed" },
        style: "primary",
        value: value("confirmed"),
      },
      {
        type: "button",
        action_id: `${REVIEW_OUTCOME_ACTION}_proposed`,
        text: { type: "plain_text", text: "Propose a new version" },
        value: value("proposed"),
      },
    ],
  };
}

/** What Mark done on a definition review answers: the outcome question, or null for others. */
export function reviewOutcomeQuestion(cadence: { id: string; kind: string }): KnownBlock[] | null {
  if (!reviewSubjectOf(cadence.kind)) return null;
  return [
    section("What did the review decide? The next review is due six months after your answer."),
    outcomeButtons(cadence.id),
  ];
}

/** What the review's post carries: the announcement, the pack, and the outcome question. */
export async function reviewFiringMessage(
  deps: ReviewDeps,
  slackTeamId: string,
  cadenceId: string,
  subject: ReviewSubject,
  announcement: { blocks: KnownBlock[] },
): Promise<{ text: string; blocks: KnownBlock[] }> {
  const { blocks } = await reviewPack(deps, slackTeamId, subject);
  const all = fitBlocks([
    ...announcement.blocks,
    ...blocks.slice(1), // the announcement has its own header
    context(
      "When the review is held, record what it decided: the next review is six months later.",
    ),
    outcomeButtons(cadenceId),
  ]);
  return { text: fallbackText(all), blocks: all };
}

async function reviewCadence(deps: ReviewDeps, slackTeamId: string, subject: ReviewSubject) {
  return deps.db.cadence.findFirst({
    where: { slackTeamId, kind: REVIEW_KINDS[subject], active: true },
    orderBy: { createdAt: "asc" },
  });
}

/**
 * The MQL review brought forward: when the last two complete months' rejection rates are both
 * above the threshold (the digest's rule), its DRI gets the pack, once for that pair of months.
 */
export async function sendEarlyMqlPack(
  deps: ReviewDeps & DeliveryDeps,
  slackTeamId: string,
  at: Date,
): Promise<boolean> {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  const review = await reviewCadence(deps, slackTeamId, "mql");
  if (!workspace || !review?.driSlackUserId) return false;
  const threshold = settingsOf(workspace).rejectionThreshold ?? DEFAULT_REJECTION_THRESHOLD;
  const months = completeMonthsBefore(at, workspace.timezone, 2);
  const q = new DigestQueries(deps.db, deps.provider, slackTeamId);
  const [accepted, rejected] = await Promise.all([
    q.countBy("acceptedAt", months),
    q.countBy("rejectedAt", months),
  ]);
  const rates = months.map((_, i) => ratio(rejected[i]!, accepted[i]! + rejected[i]!));
  if (!rates.every((r) => r !== null && r > threshold)) return false;
  const label = months.map((m, i) => `${m.month}: ${pct(rates[i]!)}`).join(", ");
  await deliverOnce(deps, {
    key: `mql-review-early-pack:${slackTeamId}:${months.map((m) => m.month).join("+")}`,
    slackTeamId,
    target: review.driSlackUserId,
    message: async () => {
      const { blocks } = await reviewPack(deps, slackTeamId, "mql");
      const all = fitBlocks([
        section(
          `:rotating_light: MQL rejections stayed above *${pct(threshold)}* two months running (${label}), so the MQL definition review is due early. Here is its data pack.`,
        ),
        ...blocks,
        outcomeButtons(review.id),
      ]);
      return { text: fallbackText(all), blocks: all };
    },
    onDelivered: () => Promise.resolve(),
  });
  return true;
}

/**
 * The ICP review brought forward: when more of `quarter`'s won deals fall outside the ICP in
 * force than its threshold (default 40%), its DRI gets the pack, once for that quarter.
 */
export async function sendEarlyIcpPack(
  deps: ReviewDeps & DeliveryDeps,
  slackTeamId: string,
  quarter: Quarter,
): Promise<boolean> {
  const review = await reviewCadence(deps, slackTeamId, "icp");
  if (!review?.driSlackUserId) return false;
  const definition = await packDefinition(deps, slackTeamId, quarter.timezone, "icp");
  const threshold = definition.current
    ? (termsOf("icp", definition.current.terms).outsideThreshold ?? DEFAULT_OUTSIDE_ICP_THRESHOLD)
    : DEFAULT_OUTSIDE_ICP_THRESHOLD;
  const fit = await icpFitOver(deps, slackTeamId, quarter, definition);
  if (!icpReviewDueEarly(fit, threshold)) return false;
  await deliverOnce(deps, {
    key: `icp-review-early-pack:${slackTeamId}:${quarter.quarter}`,
    slackTeamId,
    target: review.driSlackUserId,
    message: async () => {
      const { blocks } = await reviewPack(deps, slackTeamId, "icp");
      const all = fitBlocks([
        section(
          `:rotating_light: In ${quarter.quarter}, ${pct(fit!.outsideShare)} of won deals (${fit!.outside} of ${fit!.inside + fit!.outside}) fell outside the ICP, above ${pct(threshold)}: the ICP review is due early. Here is its data pack.`,
        ),
        ...blocks,
        outcomeButtons(review.id),
      ]);
      return { text: fallbackText(all), blocks: all };
    },
    onDelivered: () => Promise.resolve(),
  });
  return true;
}
