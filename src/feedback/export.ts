// A month of feedback for marketing's own analysis: CSV (one row per note, both kinds) or JSON.
import type { FeedbackNote } from "./types.js";

export const EXPORT_COLUMNS = [
  "kind",
  "id",
  "submitted_at",
  "author_slack_user_id",
  "author_name",
  "deal_name",
  "crm_id",
  "amount",
  "outcome",
  "primary_reason",
  "nearly_lost",
  "competitors",
  "notes",
  "asset",
  "asset_url",
  "stage",
  "helped",
  "buyer_said",
  "uncovered_objections",
] as const;

type Row = Partial<Record<(typeof EXPORT_COLUMNS)[number], string | null>>;

function row(note: FeedbackNote): Row {
  const common: Row = {
    kind: note.kind,
    id: note.id,
    submitted_at: note.submittedAt.toISOString(),
    author_slack_user_id: note.authorSlackUserId,
    author_name: note.authorName,
  };
  if (note.kind === "winloss")
    return {
      ...common,
      deal_name: note.dealName,
      crm_id: note.crmId,
      amount: note.amount,
      outcome: note.outcome,
      primary_reason: note.primaryReason,
      nearly_lost: note.nearlyLost,
      competitors: note.competitors.join("; "),
      notes: note.notes,
    };
  return {
    ...common,
    asset: note.asset,
    asset_url: note.assetUrl,
    stage: note.stage,
    helped: note.helped,
    buyer_said: note.buyerSaid,
    uncovered_objections: note.uncoveredObjections,
  };
}

const cell = (value: string | null | undefined) => {
  const text = value ?? "";
  // Quote what needs it; a leading =, +, - or @ is prefixed so spreadsheets do not run it.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function feedbackCsv(notes: FeedbackNote[]): string {
  const lines = [EXPORT_COLUMNS.join(",")];
  for (const note of notes) {
    const values = row(note);
    lines.push(EXPORT_COLUMNS.map((column) => cell(values[column])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function feedbackJson(notes: FeedbackNote[]): string {
  return `${JSON.stringify(notes, null, 2)}\n`;
}
