// The standard cadences every workspace gets, from docs/domain.md: what each is for, and
// its default rhythm. A "custom" cadence has a title and rhythm of the admin's choosing.
import { STANDARD_RECURRENCES, type Recurrence } from "./recurrence.js";

export const STANDARD_KINDS = [
  "weekly_funnel_review",
  "monthly_win_loss",
  "monthly_content_in_the_wild",
  "mql_definition_review",
  "icp_review",
  "quarterly_alignment_diagnostic",
] as const;
export type StandardKind = (typeof STANDARD_KINDS)[number];
export type CadenceKind = StandardKind | "custom";

export interface KindDefinition {
  title: string;
  purpose: string;
  recurrence: Recurrence;
}

export const KIND_DEFINITIONS: Record<StandardKind, KindDefinition> = {
  weekly_funnel_review: {
    title: "Weekly funnel review",
    purpose:
      "One set of funnel numbers for marketing and sales: stage volumes, conversion, MQL acceptance and rejection reasons, speed to lead.",
    recurrence: STANDARD_RECURRENCES.weekly_funnel_review,
  },
  monthly_win_loss: {
    title: "Monthly win/loss",
    purpose:
      "Collect from AEs what buyers bought on, what nearly lost the deal and which competitors came up; roll it up for marketing.",
    recurrence: STANDARD_RECURRENCES.monthly_win_loss,
  },
  monthly_content_in_the_wild: {
    title: "Content in the wild",
    purpose:
      "Learn which assets AEs actually use in deals, which ones buyers respond to, and which objections no content covers.",
    recurrence: STANDARD_RECURRENCES.monthly_content_in_the_wild,
  },
  mql_definition_review: {
    title: "MQL definition review",
    purpose:
      "Review the MQL definition against the last 90 days of closed-won deals, so marketing and sales qualify leads the same way.",
    recurrence: STANDARD_RECURRENCES.mql_definition_review,
  },
  icp_review: {
    title: "ICP review",
    purpose:
      "Review the ideal customer profile against the last 12 months of closed-won firmographics.",
    recurrence: STANDARD_RECURRENCES.icp_review,
  },
  quarterly_alignment_diagnostic: {
    title: "Quarterly alignment diagnostic",
    purpose:
      "A short survey to both teams: how aligned are definitions, cadences and shared data this quarter?",
    recurrence: STANDARD_RECURRENCES.quarterly_alignment_diagnostic,
  },
};

/** Reminders before each occurrence, in minutes: a day ahead and an hour ahead. */
export const DEFAULT_REMINDER_OFFSETS_MINUTES = [24 * 60, 60];
/** How long after its due time an unfinished occurrence waits before it is escalated. */
export const DEFAULT_ESCALATION_GRACE_MINUTES = 24 * 60;

export const isStandardKind = (kind: string): kind is StandardKind =>
  (STANDARD_KINDS as readonly string[]).includes(kind);

export function purposeOf(kind: string): string | null {
  return isStandardKind(kind) ? KIND_DEFINITIONS[kind].purpose : null;
}
