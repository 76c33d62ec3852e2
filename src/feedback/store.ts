// Feedback notes and monthly collections in the database. Notes' fields are JSON, read back
// through the zod schemas in rules.ts.
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { inputSchemaOf, type FeedbackKind } from "./rules.js";
import type { ContentInput, FeedbackNote, WinLossInput } from "./types.js";

type Row = Awaited<ReturnType<Db["feedbackNote"]["findUniqueOrThrow"]>>;

export function toNote(row: Row): FeedbackNote | null {
  const kind = row.kind as FeedbackKind;
  const parsed = inputSchemaOf(kind).safeParse(row.data);
  if (!parsed.success) return null;
  const base = {
    id: row.id,
    slackTeamId: row.slackTeamId,
    authorSlackUserId: row.authorSlackUserId,
    authorName: row.authorName,
    month: row.month,
    submittedAt: row.submittedAt,
  };
  return kind === "winloss"
    ? { ...base, kind, ...(parsed.data as WinLossInput) }
    : { ...base, kind: "content", ...(parsed.data as ContentInput) };
}

export interface NewNote {
  slackTeamId: string;
  kind: FeedbackKind;
  authorSlackUserId: string;
  authorName: string | null;
  month: string;
  sourceViewId: string;
  data: WinLossInput | ContentInput;
  submittedAt: Date;
}

/** Stores a note once per modal: a retried submission finds the first one (created: false). */
export async function createNote(db: Db, note: NewNote): Promise<{ id: string; created: boolean }> {
  try {
    const row = await db.feedbackNote.create({ data: { ...note, data: { ...note.data } } });
    return { id: row.id, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await db.feedbackNote.findUniqueOrThrow({
      where: {
        slackTeamId_sourceViewId: {
          slackTeamId: note.slackTeamId,
          sourceViewId: note.sourceViewId,
        },
      },
    });
    return { id: existing.id, created: false };
  }
}

export const findNote = (db: Db, id: string) => db.feedbackNote.findUnique({ where: { id } });

export async function notesOf(
  db: Db,
  slackTeamId: string,
  month: string,
  kind?: FeedbackKind,
): Promise<FeedbackNote[]> {
  const rows = await db.feedbackNote.findMany({
    where: { slackTeamId, month, ...(kind ? { kind } : {}) },
    orderBy: { submittedAt: "asc" },
  });
  return rows.map(toNote).filter((note): note is FeedbackNote => note !== null);
}

/** Who sent at least one note of `kind` for `month`. */
export async function submitters(
  db: Db,
  slackTeamId: string,
  month: string,
  kind: FeedbackKind,
): Promise<Set<string>> {
  const rows = await db.feedbackNote.findMany({
    where: { slackTeamId, month, kind },
    select: { authorSlackUserId: true },
    distinct: ["authorSlackUserId"],
  });
  return new Set(rows.map((row) => row.authorSlackUserId));
}
