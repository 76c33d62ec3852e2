// Field feedback use cases, apart from Slack: storing a submitted note once, and an author's edit
// or delete within the window (rules.ts says who and until when).
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { refuse, type Refusal, type Result } from "../refusals.js";
import { settingsOf } from "../workspaces/settings.js";
import { monthOf, noteSummary, picklistsOf, whyNotChangeable, type FeedbackKind } from "./rules.js";
import { createNote, findNote, toNote } from "./store.js";
import type { ContentInput, FeedbackNote, FeedbackPicklists, WinLossInput } from "./types.js";

export interface FeedbackDeps {
  db: Db;
  clock: Clock;
  defaultTimezone: string;
}

const CHANGE_REFUSALS = {
  gone: "note-gone",
  "not-author": "not-note-author",
  "too-late": "note-too-old",
} as const;

/**
 * Stores a submitted note, once per modal: a retried submission finds the first (created: false).
 * It counts for the month it was sent in, in the workspace's timezone.
 */
export async function submitNote(
  deps: FeedbackDeps,
  input: {
    slackTeamId: string;
    authorSlackUserId: string;
    kind: FeedbackKind;
    sourceViewId: string;
    data: WinLossInput | ContentInput;
  },
): Promise<Result<{ id: string; created: boolean; authorKnown: boolean }>> {
  const now = deps.clock.now();
  const workspace = await deps.db.workspace.findUnique({
    where: { slackTeamId: input.slackTeamId },
  });
  // A note belongs to a workspace row (a foreign key): one Cadence has never seen is refused.
  if (!workspace) return refuse("unknown-workspace");
  const author = await deps.db.person.findUnique({
    where: {
      slackTeamId_slackUserId: {
        slackTeamId: input.slackTeamId,
        slackUserId: input.authorSlackUserId,
      },
    },
  });
  const saved = await createNote(deps.db, {
    ...input,
    authorName: author?.name ?? null,
    month: monthOf(now, workspace.timezone),
    submittedAt: now,
  });
  return { ok: true, ...saved, authorKnown: author !== null };
}

/** The note `userId` may still change, or why not. */
export async function changeableNote(
  deps: FeedbackDeps,
  noteId: string,
  userId: string,
): Promise<{ ok: true; note: FeedbackNote } | Refusal> {
  const row = await findNote(deps.db, noteId);
  const refusal = whyNotChangeable(row, userId, deps.clock.now());
  const note = row ? toNote(row) : null;
  return refusal || !note ? refuse(CHANGE_REFUSALS[refusal ?? "gone"]) : { ok: true, note };
}

export async function editNote(
  deps: FeedbackDeps,
  noteId: string,
  userId: string,
  data: WinLossInput | ContentInput,
): Promise<Result> {
  const changeable = await changeableNote(deps, noteId, userId);
  if (!changeable.ok) return changeable;
  await deps.db.feedbackNote.update({ where: { id: noteId }, data: { data: { ...data } } });
  return { ok: true };
}

/** Deletes the note; says what it was, as its author would recognise it. */
export async function deleteNote(
  deps: FeedbackDeps,
  noteId: string,
  userId: string,
): Promise<Result<{ kind: FeedbackKind; summary: string }>> {
  const changeable = await changeableNote(deps, noteId, userId);
  if (!changeable.ok) return changeable;
  await deps.db.feedbackNote.delete({ where: { id: noteId } });
  const { note } = changeable;
  return { ok: true, kind: note.kind, summary: noteSummary(note.kind, note) };
}

/** The lists the modals offer in this workspace: the admin's, else the defaults. */
export async function picklistsFor(db: Db, slackTeamId: string): Promise<FeedbackPicklists> {
  const workspace = await db.workspace.findUnique({ where: { slackTeamId } });
  return picklistsOf(workspace ? settingsOf(workspace) : {});
}
