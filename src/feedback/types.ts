// Field feedback from AEs: the two kinds of note, as the rest of Cadence sees them (no Slack, no
// Prisma). Stored by src/feedback/store.ts; collected by the modals; rolled up monthly.

export const OUTCOMES = ["won", "lost", "no_decision"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_LABELS: Record<Outcome, string> = {
  won: "Won",
  lost: "Lost",
  no_decision: "No decision",
};

export const HELPED = ["helped", "neutral", "hurt"] as const;
export type Helped = (typeof HELPED)[number];

export const DEAL_STAGES = [
  "discovery",
  "evaluation",
  "proposal",
  "negotiation",
  "closed",
] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

/** The picklist value for "another reason", which then needs its own text. */
export const OTHER = "other";

/** Defaults an admin can edit (stored in workspace settings). */
export const DEFAULT_WIN_REASONS = [
  "product fit",
  "price / value",
  "relationship",
  "integration",
  "time to value",
  "brand / trust",
];
export const DEFAULT_LOSS_REASONS = [
  "price",
  "missing feature",
  "chose competitor",
  "no budget",
  "timing",
  "no champion",
];
export const DEFAULT_COMPETITORS: string[] = [];
export const DEFAULT_ASSETS: string[] = [];

/** What an AE says about one deal (the /winloss modal). */
export interface WinLossInput {
  dealName: string;
  crmId: string | null;
  /** Decimal text, e.g. "12500.50". */
  amount: string | null;
  outcome: Outcome;
  /** A picklist reason, or the AE's own words when they chose "other". */
  primaryReason: string;
  /** What nearly lost it (won) or what would have won it (lost, no decision). */
  nearlyLost: string;
  /** Picked from the list and typed in, de-duplicated, in the order given. */
  competitors: string[];
  notes: string | null;
}

/** How an asset did in a deal (the /content modal). */
export interface ContentInput {
  /** A catalogue asset's name, or the link the AE gave. */
  asset: string;
  /** Set when the AE gave a link rather than a catalogue asset. */
  assetUrl: string | null;
  stage: DealStage;
  helped: Helped;
  buyerSaid: string;
  /** Objections no current asset answers; null when none. */
  uncoveredObjections: string | null;
}

export interface StoredNote {
  id: string;
  slackTeamId: string;
  authorSlackUserId: string;
  /** The author's display name when known (never sent to a language model). */
  authorName: string | null;
  /** YYYY-MM in the workspace's timezone, when it was first submitted. */
  month: string;
  submittedAt: Date;
}

export type WinLossNote = StoredNote & WinLossInput & { kind: "winloss" };
export type ContentNote = StoredNote & ContentInput & { kind: "content" };
export type FeedbackNote = WinLossNote | ContentNote;

/** The admin-editable lists the modals offer. */
export interface FeedbackPicklists {
  winReasons: string[];
  lossReasons: string[];
  competitors: string[];
  /** The asset catalogue: names, optionally with a link. */
  assets: Array<{ name: string; url?: string }>;
}
