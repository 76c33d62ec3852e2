// Answering the diagnostic, apart from Slack: who may open it (invited, not answered, still
// open) and storing one person's answers once, without their name.
import type { Clock } from "../clock.js";
import { formatInstant } from "../cadences/views.js";
import type { Db } from "../db/client.js";
import { workspaceTimezone } from "../workspaces/store.js";
import { quarterLabel, type Question, type Side } from "./rules.js";
import { findInvite, findRound, storeAnswers, type DiagnosticRound } from "./store.js";

export interface DiagnosticDeps {
  db: Db;
  clock: Clock;
}

const REFUSALS = {
  "diagnostic-gone": () => "This diagnostic no longer exists.",
  "diagnostic-not-invited": (d: { quarter: string }) =>
    `The alignment diagnostic for ${quarterLabel(d.quarter)} is answered by the members of the marketing and sales teams it was sent to, and you were not among them. Nothing was stored.`,
  "diagnostic-closed": (d: { quarter: string; closedAt: string }) =>
    `The alignment diagnostic for ${quarterLabel(d.quarter)} closed ${d.closedAt}: answers are no longer taken, and the results went to its channel. Nothing was stored.`,
  "diagnostic-answered": (d: { quarter: string }) =>
    `You have already answered the alignment diagnostic for ${quarterLabel(d.quarter)}. Each person answers once, and answers cannot be changed because they are stored without your name.`,
} as const;
type Code = keyof typeof REFUSALS;

/** The same shape as every other refusal: `{ ok: false, code, message }`. */
export interface DiagnosticRefusal {
  ok: false;
  code: Code;
  message: string;
}

function refuse<C extends Code>(code: C, ...details: Parameters<(typeof REFUSALS)[C]>) {
  const build = REFUSALS[code] as (...args: Parameters<(typeof REFUSALS)[C]>) => string;
  return { ok: false as const, code, message: build(...details) };
}

/** The round `userId` may answer now, with their side and the workspace's timezone, or why not. */
export async function answerableRound(
  deps: DiagnosticDeps,
  roundId: string,
  userId: string,
): Promise<{ ok: true; round: DiagnosticRound; side: Side; timezone: string } | DiagnosticRefusal> {
  const round = await findRound(deps.db, roundId);
  if (!round) return refuse("diagnostic-gone");
  const timezone = await workspaceTimezone(deps.db, round.slackTeamId, "UTC");
  if (round.closesAt <= deps.clock.now())
    return refuse("diagnostic-closed", {
      quarter: round.quarter,
      closedAt: formatInstant(round.closesAt, timezone),
    });
  const invite = await findInvite(deps.db, round.id, userId);
  if (!invite) return refuse("diagnostic-not-invited", { quarter: round.quarter });
  if (invite.answered) return refuse("diagnostic-answered", { quarter: round.quarter });
  return { ok: true, round, side: invite.side === "sales" ? "sales" : "marketing", timezone };
}

/**
 * Stores a submitted diagnostic once: the answers under the person's side only, and their
 * invitation marked answered. A retried submission of the same modal is recognised (created:
 * false), a second modal refused.
 */
export async function submitDiagnostic(
  deps: DiagnosticDeps,
  input: {
    roundId: string;
    userId: string;
    viewId: string;
    scores: Array<{ question: Question; score: number }>;
  },
): Promise<
  { ok: true; created: boolean; round: DiagnosticRound; timezone: string } | DiagnosticRefusal
> {
  const answerable = await answerableRound(deps, input.roundId, input.userId);
  if (!answerable.ok) {
    if (answerable.code !== "diagnostic-answered") return answerable;
    const invite = await findInvite(deps.db, input.roundId, input.userId);
    if (invite?.answerViewId !== input.viewId) return answerable;
    const round = (await findRound(deps.db, input.roundId))!;
    const timezone = await workspaceTimezone(deps.db, round.slackTeamId, "UTC");
    return { ok: true, created: false, round, timezone };
  }
  const { round, side, timezone } = answerable;
  const outcome = await storeAnswers(deps.db, {
    roundId: round.id,
    slackUserId: input.userId,
    side,
    viewId: input.viewId,
    scores: input.scores,
  });
  if (outcome === "already-answered")
    return refuse("diagnostic-answered", { quarter: round.quarter });
  return { ok: true, created: outcome === "stored", round, timezone };
}
