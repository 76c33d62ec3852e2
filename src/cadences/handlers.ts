// What firing does, one handler per kind. For now every kind announces itself; the funnel digest
// and feedback collection will replace their kinds' handlers here.
import type { KnownBlock } from "@slack/types";
import type { CadenceKind } from "./kinds.js";
import { occurrenceAnnouncement, type OccurrenceMessageInput } from "./views.js";

export type FiringHandler = (
  input: OccurrenceMessageInput,
) => Promise<{ text: string; blocks: KnownBlock[] }>;

const announce: FiringHandler = (input) => Promise.resolve(occurrenceAnnouncement(input));

export const FIRING_HANDLERS: Record<CadenceKind, FiringHandler> = {
  weekly_funnel_review: announce,
  monthly_win_loss: announce,
  monthly_content_in_the_wild: announce,
  mql_definition_review: announce,
  icp_review: announce,
  quarterly_alignment_diagnostic: announce,
  custom: announce,
};

export function handlerFor(kind: string): FiringHandler {
  return FIRING_HANDLERS[kind as CadenceKind] ?? announce;
}
