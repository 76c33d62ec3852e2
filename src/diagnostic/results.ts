// The alignment diagnostic's latest result before a date, for the QBR scorecard. None are
// recorded yet: the diagnostic's survey and scoring replace this.
import type { Db } from "../db/client.js";

export async function latestDiagnosticResult(
  db: Db,
  slackTeamId: string,
  before: Date,
): Promise<{ quarter: string; tier: string; score: number } | null> {
  void db;
  void slackTeamId;
  void before;
  return Promise.resolve(null);
}
