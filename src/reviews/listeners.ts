// `/cadence review mql|icp` (the pack, just for the person asking), and the review's outcome:
// "Definition confirmed" marks it done; "Propose a new version" opens the register's form, whose
// submission marks it done. Mark done on a definition review asks for the outcome first.
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { canChangeCadence } from "../cadences/rules.js";
import { findCadenceById } from "../cadences/store.js";
import { openProposeModal } from "../definitions/listeners.js";
import { refuse } from "../refusals.js";
import { blocksReply } from "../slack/ack.js";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { parseOwnJson } from "../slack/payload.js";
import { subcommand } from "../slack/subcommands.js";
import { completeReview } from "./outcome.js";
import {
  REVIEW_OUTCOME_ACTION,
  reviewPack,
  reviewSubjectOf,
  type ReviewSubject,
} from "./service.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export const subcommands = [
  subcommand<ReviewSubject>({
    name: "review",
    usage: "/cadence review mql|icp",
    description: "An MQL or ICP review's data pack, just for you.",
    parse: (args) => {
      const subject = args.trim().toLowerCase();
      return subject === "mql" || subject === "icp"
        ? { ok: true, input: subject }
        : { ok: false, problem: "Which review: `mql` or `icp`?" };
    },
    run: async (subject, { deps, teamId }) => {
      const { blocks } = await reviewPack(
        { db: deps.db, provider: deps.database.provider, clock: deps.clock },
        teamId,
        subject,
      );
      return blocksReply(blocks);
    },
  }),
];

const OutcomeSchema = z.object({
  cadenceId: z.string().min(1),
  outcome: z.enum(["confirmed", "proposed"]),
});

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction>(
    new RegExp(`^${REVIEW_OUTCOME_ACTION}_(confirmed|proposed)$`),
    guard(deps.logger, "answerReviewOutcome", answerReviewOutcome(deps)),
  );
}

export function answerReviewOutcome(deps: AppDeps) {
  return async function answerOutcome({ ack, body, action, respond, client, context }: ActionArgs) {
    await ack();
    const picked = parseOwnJson(OutcomeSchema, (action as { value?: unknown }).value);
    const teamId = body.team?.id ?? "";
    if (!picked || !teamId) return;
    const say = (text: string) =>
      respond({ response_type: "ephemeral", replace_original: false, text });
    const cadence = await findCadenceById(deps.db, teamId, picked.cadenceId);
    const subject = cadence ? reviewSubjectOf(cadence.kind) : null;
    if (!cadence || !subject) return void (await say(refuse("cadence-gone").message));
    const actor = await actorOf(context);
    if (!canChangeCadence(actor, deps.config.adminUserIds, cadence))
      return void (await say(
        refuse("not-cadence-owner", { title: cadence.title, dri: cadence.driSlackUserId }).message,
      ));
    if (picked.outcome === "proposed") {
      const problem = body.trigger_id
        ? await openProposeModal(deps, client, teamId, body.trigger_id, subject, cadence.id)
        : refuse("modal-not-opened").message;
      if (problem) await say(problem);
      return;
    }
    const done = await completeReview(deps, teamId, actor, cadence.id, subject, "confirmed");
    await say(done.ok ? `:white_check_mark: ${done.message}` : done.message);
  };
}
