// The diagnostic's result as other capabilities read it (the QBR scorecard): the latest closed
// quarter with enough answers to score, before a given instant.
import type { Db } from "../db/client.js";
import { roundScore } from "./rules.js";
import { latestScoredRound } from "./store.js";

/** The latest closed diagnostic before `before` that has a score and tier; null when none. */
export async function latestDiagnosticResult(
  db: Db,
  slackTeamId: string,
  before: Date,
): Promise<{ quarter: string; tier: string; score: number } | null> {
  const round = await latestScoredRound(db, slackTeamId, before);
  if (!round || round.score === null || round.tier === null) return null;
  return { quarter: round.quarter, tier: round.tier, score: roundScore(round.score) };
}
