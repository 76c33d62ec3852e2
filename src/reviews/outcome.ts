// A definition review marked done records what it decided, and the next review counts six months
// from that decision (the reviews' rhythm counts from their last completion).
import type { Actor } from "../cadences/rules.js";
import { markDone } from "../cadences/service.js";
import { cadenceDeps } from "../cadences/subcommands.js";
import { formatInstant } from "../cadences/views.js";
import { recordReviewDecision } from "../definitions/service.js";
import type { AppDeps } from "../slack/deps.js";
import type { ReviewSubject } from "./service.js";

export async function completeReview(
  deps: AppDeps,
  slackTeamId: string,
  actor: Actor,
  cadenceId: string,
  subject: ReviewSubject,
  outcome: "confirmed" | "proposed",
): Promise<{ ok: boolean; message: string }> {
  const change = await markDone(cadenceDeps(deps), slackTeamId, actor, { id: cadenceId });
  if (!change.ok) return { ok: false, message: change.message };
  await recordReviewDecision(deps, slackTeamId, subject, outcome, actor.slackUserId);
  const next = change.cadence.nextDueAt
    ? ` The next review is due ${formatInstant(change.cadence.nextDueAt, change.cadence.timezone)}.`
    : "";
  const decided =
    outcome === "confirmed"
      ? "the definition is confirmed as it stands"
      : "a new version is proposed to the register";
  return { ok: true, message: `${change.message} Outcome: ${decided}.${next}` };
}
