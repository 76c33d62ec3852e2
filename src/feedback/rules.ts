// Rules for field feedback that know nothing of Slack or Prisma: what a stored note must look
// like, who may change it and until when, which month it counts for, and the picklists in force.
import { DateTime } from "luxon";
import { z } from "zod";
import { escapeInline } from "../slack/mrkdwn.js";
import type { WorkspaceSettings } from "../workspaces/settings.js";
import {
  DEAL_STAGES,
  DEFAULT_ASSETS,
  DEFAULT_COMPETITORS,
  DEFAULT_LOSS_REASONS,
  DEFAULT_WIN_REASONS,
  HELPED,
  OUTCOMES,
  type ContentInput,
  type FeedbackPicklists,
  type WinLossInput,
} from "./types.js";

export const FEEDBACK_KINDS = ["winloss", "content"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** An author may edit or delete a note for this long after first submitting it. */
export const EDIT_WINDOW_MS = 7 * 86_400_000;
export const DEFAULT_FEEDBACK_DAYS = 7;
/** The reminder goes out this long before the deadline. */
export const REMINDER_BEFORE_MS = 2 * 86_400_000;

export const WinLossInputSchema = z.object({
  dealName: z.string().min(1),
  crmId: z.string().nullable(),
  amount: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  primaryReason: z.string().min(1),
  nearlyLost: z.string(),
  competitors: z.array(z.string()),
  notes: z.string().nullable(),
}) satisfies z.ZodType<WinLossInput>;

export const ContentInputSchema = z.object({
  asset: z.string().min(1),
  assetUrl: z.string().nullable(),
  stage: z.enum(DEAL_STAGES),
  helped: z.enum(HELPED),
  buyerSaid: z.string(),
  uncoveredObjections: z.string().nullable(),
}) satisfies z.ZodType<ContentInput>;

export const inputSchemaOf = (kind: FeedbackKind) =>
  kind === "winloss" ? WinLossInputSchema : ContentInputSchema;

/** YYYY-MM of an instant in a timezone. */
export const monthOf = (at: Date, timezone: string): string =>
  DateTime.fromJSDate(at, { zone: timezone }).toFormat("yyyy-MM");

export const monthLabel = (month: string): string =>
  DateTime.fromFormat(month, "yyyy-MM").toFormat("LLLL yyyy");

export type ChangeRefusal = "gone" | "not-author" | "too-late";

/** Whether `userId` may still edit or delete a note submitted at `submittedAt`. */
export function whyNotChangeable(
  note: { authorSlackUserId: string; submittedAt: Date } | null,
  userId: string,
  now: Date,
): ChangeRefusal | null {
  if (!note) return "gone";
  if (note.authorSlackUserId !== userId) return "not-author";
  if (now.getTime() - note.submittedAt.getTime() > EDIT_WINDOW_MS) return "too-late";
  return null;
}

export function picklistsOf(settings: WorkspaceSettings): FeedbackPicklists {
  return {
    winReasons: settings.winReasons ?? DEFAULT_WIN_REASONS,
    lossReasons: settings.lossReasons ?? DEFAULT_LOSS_REASONS,
    competitors: settings.competitors ?? DEFAULT_COMPETITORS,
    assets: settings.assets ?? DEFAULT_ASSETS.map((name) => ({ name })),
  };
}

/** One line a person reads back (mrkdwn): what they sent, escaped. */
export function noteSummary(kind: FeedbackKind, data: WinLossInput | ContentInput): string {
  if (kind === "winloss") {
    const note = data as WinLossInput;
    const outcome = { won: "Won", lost: "Lost", no_decision: "No decision" }[note.outcome];
    const competitors = note.competitors.length
      ? ` · vs ${escapeInline(note.competitors.join(", "))}`
      : "";
    return `*${escapeInline(note.dealName)}*: ${outcome}, ${escapeInline(note.primaryReason)}${competitors}`;
  }
  const note = data as ContentInput;
  return `*${escapeInline(note.asset)}* in ${escapeInline(note.stage)}: ${escapeInline(note.helped)}`;
}
