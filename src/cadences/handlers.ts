// What firing does, one handler per kind. The weekly funnel review posts the funnel digest; the
// other kinds announce themselves (feedback collection will replace its kinds' handlers here).
import type { KnownBlock } from "@slack/types";
import { weeklyDigestPost } from "../digest/service.js";
import type { FiringDeps } from "./firing.js";
import type { CadenceKind } from "./kinds.js";
import { lateNote, occurrenceAnnouncement, type OccurrenceMessageInput } from "./views.js";

export interface FiringMessage {
  text: string;
  blocks: KnownBlock[];
  /** Runs once the message is posted, e.g. to add detail in its thread. */
  afterPost?: (channel: string, ts: string) => Promise<void>;
}

export interface FiringContext {
  deps: FiringDeps;
  slackTeamId: string;
}

export type FiringHandler = (
  input: OccurrenceMessageInput,
  context: FiringContext,
) => Promise<FiringMessage>;

const announce: FiringHandler = (input) => Promise.resolve(occurrenceAnnouncement(input));

const postDigest: FiringHandler = (input, { deps, slackTeamId }) =>
  weeklyDigestPost(deps, slackTeamId, {
    dueAt: input.dueAt,
    driSlackUserId: input.driSlackUserId,
    lateNote: input.late ? lateNote(input.dueAt, input.timezone) : undefined,
  });

export const FIRING_HANDLERS: Record<CadenceKind, FiringHandler> = {
  weekly_funnel_review: postDigest,
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
