// The diagnostic in Slack: "Take the diagnostic" in the DM opens the modal; its submission is
// stored anonymously and confirmed by DM. Thin: parse, call the service, render.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { parseAnswers, roundIdOf } from "./answers.js";
import { QUESTIONS } from "./rules.js";
import { answerableRound, submitDiagnostic } from "./service.js";
import { DIAGNOSTIC_VIEW, OPEN_DIAGNOSTIC, answeredMessage, diagnosticModal } from "./views.js";

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function register(app: App, deps: AppDeps): void {
  const serviceDeps = { db: deps.db, clock: deps.clock };

  app.action<BlockAction<ButtonAction>>(
    OPEN_DIAGNOSTIC,
    guard(deps.logger, OPEN_DIAGNOSTIC, async ({ ack, body, action, client, respond }) => {
      await ack();
      const answerable = await answerableRound(serviceDeps, action.value ?? "", body.user.id);
      if (!answerable.ok) {
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text: answerable.message,
        });
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: diagnosticModal(answerable.round),
      });
    }),
  );

  app.view(DIAGNOSTIC_VIEW, guard<ViewArgs>(deps.logger, DIAGNOSTIC_VIEW, submitAnswers(deps)));
}

/** The modal submitted: every question answered, stored once, confirmed by DM. */
export function submitAnswers(deps: AppDeps) {
  return async function submitDiagnosticModal({ ack, body, view, client }: ViewArgs) {
    const parsed = parseAnswers(view.state?.values);
    if (!parsed.ok) {
      await ack({ response_action: "errors", errors: parsed.errors });
      return;
    }
    const saved = await submitDiagnostic(
      { db: deps.db, clock: deps.clock },
      {
        roundId: roundIdOf(view.private_metadata) ?? "",
        userId: body.user.id,
        viewId: view.id,
        scores: parsed.scores,
      },
    );
    if (!saved.ok) {
      await ack({ response_action: "errors", errors: { [QUESTIONS[0]!.id]: saved.message } });
      return;
    }
    await ack();
    // A retried submission of the same modal was stored the first time: confirm only once.
    if (!saved.created) return;
    const confirmation = answeredMessage(saved.round.quarter, saved.round.closesAt, saved.timezone);
    await client.chat.postMessage({ channel: body.user.id, ...confirmation });
  };
}
