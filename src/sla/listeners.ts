// The speed-to-lead DM's buttons: Snooze 10 min (a confirmation to the person who pressed it) and
// Open in CRM (a link: Slack still sends the click, which is only acknowledged).
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { parseOwnJson } from "../slack/payload.js";
import { snoozeLead } from "./service.js";
import { OPEN_IN_CRM_ACTION, SNOOZE_ACTION } from "./views.js";

export { subcommands } from "./subcommands.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const SnoozeValueSchema = z.object({ t: z.string().min(1), l: z.string().min(1) });

export function register(app: App, deps: AppDeps): void {
  const guarded = <A>(name: string, listener: (args: A) => Promise<void>) =>
    guard(deps.logger, name, listener);
  app.action<BlockAction>(SNOOZE_ACTION, guarded("snoozeLead", snoozeButton(deps)));
  app.action<BlockAction>(
    OPEN_IN_CRM_ACTION,
    guarded("openInCrm", async ({ ack }: ActionArgs) => {
      await ack();
    }),
  );
}

export function snoozeButton(deps: AppDeps) {
  return async function answerSnooze({ ack, body, action, respond }: ActionArgs) {
    await ack();
    const value = parseOwnJson(SnoozeValueSchema, (action as { value?: unknown }).value);
    // The button names its workspace; a click from another workspace changes nothing.
    if (!value || value.t !== body.team?.id) {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: "This button is not valid any more.",
      });
      return;
    }
    const result = await snoozeLead(deps, value.t, value.l);
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      text: result.ok ? `:zzz: ${result.message}` : result.message,
    });
  };
}
