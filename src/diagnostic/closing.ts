// Closing a round: the results are computed once from the database's sums and counts, compared
// with the workspace's previous scored quarter, and stored with the round (overall score and tier
// in their own columns, for the QBR scorecard). A replica that computed them too keeps the first.
import { z } from "zod";
import type { Db } from "../db/client.js";
import { diagnosticResults, type DiagnosticResults } from "./rules.js";
import { answerTotals, latestScoredRound, participation, type DiagnosticRound } from "./store.js";

/** What the next quarter reads back from stored results: the team score per pattern. */
const StoredPatternsSchema = z.object({
  patterns: z.array(z.object({ pattern: z.string(), team: z.number().nullable() })),
});

/** The stored results, as posted; read back through this schema. */
const StoredResultsSchema = z.custom<DiagnosticResults>(
  (value) => typeof value === "object" && value !== null && "patterns" in value,
);

export async function computeRoundResults(
  db: Db,
  round: DiagnosticRound,
  now: Date,
): Promise<void> {
  const previousRound = await latestScoredRound(db, round.slackTeamId, round.openedAt);
  const stored = StoredPatternsSchema.safeParse(previousRound?.results);
  const results = diagnosticResults({
    quarter: round.quarter,
    totals: await answerTotals(db, round.id),
    participation: await participation(db, round.id),
    previous:
      previousRound && previousRound.score !== null && previousRound.tier
        ? {
            quarter: previousRound.quarter,
            score: previousRound.score,
            tierName: previousRound.tier,
            patterns: Object.fromEntries(
              (stored.success ? stored.data.patterns : []).map((p) => [p.pattern, p.team]),
            ),
          }
        : null,
  });
  // Whoever stores first wins; a replica that computed them too keeps the first.
  await db.diagnosticRound.updateMany({
    where: { id: round.id, closedAt: null },
    data: {
      closedAt: now,
      results: JSON.parse(JSON.stringify(results)) as object,
      score: results.score,
      tier: results.tier?.name ?? null,
    },
  });
}

export function storedResults(round: DiagnosticRound): DiagnosticResults | null {
  const parsed = StoredResultsSchema.safeParse(round.results);
  return parsed.success ? parsed.data : null;
}
