// What firing does, one handler per kind. The weekly funnel review posts the funnel digest (and
// the MQL review's pack early when rejections stay high); the win/loss and content cadences open
// the month's feedback collection; the MQL and ICP reviews post their data packs; the quarterly
// diagnostic opens its survey; the others announce themselves.
import type { KnownBlock } from "@slack/types";
import { openDiagnostic } from "../diagnostic/opening.js";
import { weeklyDigestPost } from "../digest/service.js";
import { openCollection } from "../feedback/collection.js";
import { reviewFiringMessage, sendEarlyMqlPack } from "../reviews/service.js";
import type { FiringDeps } from "./firing-deps.js";
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
  cadenceId: string;
}

export type FiringHandler = (
  input: OccurrenceMessageInput,
  context: FiringContext,
) => Promise<FiringMessage>;

const announce: FiringHandler = (input) => Promise.resolve(occurrenceAnnouncement(input));

const postDigest: FiringHandler = async (input, { deps, slackTeamId }) => {
  const message = await weeklyDigestPost(deps, slackTeamId, {
    dueAt: input.dueAt,
    driSlackUserId: input.driSlackUserId,
    lateNote: input.late ? lateNote(input.dueAt, input.timezone) : undefined,
  });
  return {
    ...message,
    afterPost: async (channel, ts) => {
      await message.afterPost(channel, ts);
      await sendEarlyMqlPack(deps, slackTeamId, input.dueAt);
    },
  };
};

const review =
  (subject: "mql" | "icp"): FiringHandler =>
  (input, { deps, slackTeamId, cadenceId }) =>
    reviewFiringMessage(deps, slackTeamId, cadenceId, subject, occurrenceAnnouncement(input));

const diagnose: FiringHandler = (input, { deps, slackTeamId, cadenceId }) =>
  openDiagnostic(deps, {
    slackTeamId,
    cadenceId,
    dueAt: input.dueAt,
    driSlackUserId: input.driSlackUserId,
  });

const collect =
  (kind: "winloss" | "content"): FiringHandler =>
  (input, { deps, slackTeamId, cadenceId }) =>
    openCollection(deps, {
      slackTeamId,
      kind,
      cadenceId,
      dueAt: input.dueAt,
      timezone: input.timezone,
      driSlackUserId: input.driSlackUserId,
    });

/** What firing does, by kind; src/main.ts registers this table with the firing duty. */
export type FiringHandlers = Readonly<Record<CadenceKind, FiringHandler>>;

export const FIRING_HANDLERS: FiringHandlers = {
  weekly_funnel_review: postDigest,
  monthly_win_loss: collect("winloss"),
  monthly_content_in_the_wild: collect("content"),
  mql_definition_review: review("mql"),
  icp_review: review("icp"),
  quarterly_alignment_diagnostic: diagnose,
  custom: announce,
};

export function handlerFor(handlers: FiringHandlers, kind: string): FiringHandler {
  return handlers[kind as CadenceKind] ?? announce;
}
