// Diagnostic rounds, invitations and answers in the database. Answers carry a side, never a
// person; who answered is kept on the invitation only, to send reminders and refuse a second
// answer. Every figure the results show comes from the database's sums and counts.
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { PATTERNS, SIDES, type AnswerTotal, type Question, type Side } from "./rules.js";

export type DiagnosticRound = Awaited<ReturnType<Db["diagnosticRound"]["findUniqueOrThrow"]>>;

export interface NewRound {
  slackTeamId: string;
  quarter: string;
  cadenceId: string;
  openedAt: Date;
  remindAt: Date;
  closesAt: Date;
  invites: Array<{ slackUserId: string; side: Side }>;
}

/** Opens the quarter's round with its invitations, once: a second opening finds the first. */
export async function createRound(
  db: Db,
  round: NewRound,
): Promise<{ round: DiagnosticRound; created: boolean }> {
  const { invites, ...data } = round;
  try {
    const created = await db.$transaction(async (tx) => {
      const row = await tx.diagnosticRound.create({ data });
      if (invites.length)
        await tx.diagnosticInvite.createMany({
          data: invites.map((invite) => ({ roundId: row.id, ...invite })),
        });
      return row;
    });
    return { round: created, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.diagnosticRound.findUniqueOrThrow({
      where: {
        slackTeamId_quarter: { slackTeamId: round.slackTeamId, quarter: round.quarter },
      },
    });
    return { round: existing, created: false };
  }
}

export const findRound = (db: Db, id: string) => db.diagnosticRound.findUnique({ where: { id } });

export const findInvite = (db: Db, roundId: string, slackUserId: string) =>
  db.diagnosticInvite.findUnique({ where: { roundId_slackUserId: { roundId, slackUserId } } });

/** Everyone invited who has not answered yet. */
export async function notAnswered(db: Db, roundId: string): Promise<string[]> {
  const rows = await db.diagnosticInvite.findMany({
    where: { roundId, answered: false },
    select: { slackUserId: true },
    orderBy: { slackUserId: "asc" },
  });
  return rows.map((row) => row.slackUserId);
}

export async function invited(db: Db, roundId: string): Promise<string[]> {
  const rows = await db.diagnosticInvite.findMany({
    where: { roundId },
    select: { slackUserId: true },
    orderBy: { slackUserId: "asc" },
  });
  return rows.map((row) => row.slackUserId);
}

export type AnswerOutcome = "stored" | "same-modal" | "already-answered";

/**
 * Marks the invitation answered and stores the answers, in one transaction: either both or
 * neither, and a second answer (another modal) never gets past the compare-and-set.
 */
export async function storeAnswers(
  db: Db,
  input: {
    roundId: string;
    slackUserId: string;
    side: Side;
    viewId: string;
    scores: Array<{ question: Question; score: number }>;
  },
): Promise<AnswerOutcome> {
  return db.$transaction(async (tx) => {
    const marked = await tx.diagnosticInvite.updateMany({
      where: { roundId: input.roundId, slackUserId: input.slackUserId, answered: false },
      data: { answered: true, answerViewId: input.viewId },
    });
    if (marked.count !== 1) {
      const invite = await tx.diagnosticInvite.findUnique({
        where: {
          roundId_slackUserId: { roundId: input.roundId, slackUserId: input.slackUserId },
        },
      });
      return invite?.answerViewId === input.viewId ? "same-modal" : "already-answered";
    }
    await tx.diagnosticAnswer.createMany({
      data: input.scores.map(({ question, score }) => ({
        roundId: input.roundId,
        side: input.side,
        question: question.id,
        pattern: question.pattern,
        score,
      })),
    });
    return "stored";
  });
}

/** Sums and counts of the scores per side and pattern, from the database. */
export async function answerTotals(db: Db, roundId: string): Promise<AnswerTotal[]> {
  const groups = await db.diagnosticAnswer.groupBy({
    by: ["side", "pattern"],
    where: { roundId },
    _sum: { score: true },
    _count: { _all: true },
  });
  const known = new Set<string>(PATTERNS.map((p) => p.id));
  return groups
    .filter((g) => (SIDES as readonly string[]).includes(g.side) && known.has(g.pattern))
    .map((g) => ({
      side: g.side as Side,
      pattern: g.pattern,
      sum: Number(g._sum.score ?? 0),
      count: g._count._all,
    }));
}

/** Invited and answered per side, counted by the database. */
export async function participation(
  db: Db,
  roundId: string,
): Promise<Record<Side, { asked: number; answered: number }>> {
  const groups = await db.diagnosticInvite.groupBy({
    by: ["side", "answered"],
    where: { roundId },
    _count: { _all: true },
  });
  const result = { marketing: { asked: 0, answered: 0 }, sales: { asked: 0, answered: 0 } };
  for (const g of groups) {
    const side = result[g.side as Side];
    if (!side) continue;
    side.asked += g._count._all;
    if (g.answered) side.answered += g._count._all;
  }
  return result;
}

/** The workspace's latest round with results that closed before `before`. */
export const latestScoredRound = (db: Db, slackTeamId: string, before: Date) =>
  db.diagnosticRound.findFirst({
    where: {
      slackTeamId,
      closesAt: { lt: before },
      closedAt: { not: null },
      tier: { not: null },
      score: { not: null },
    },
    orderBy: { closesAt: "desc" },
  });
