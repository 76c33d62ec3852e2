// The DRI buttons (Mark done, Snooze a day, Hand over), the "which cadence?" buttons, the hand-over
// modal, and departures. `/cadence`'s subcommands are in ./subcommands.ts.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import type { SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { republishHome } from "../home/service.js";
import { actorOf, type Actor } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { announceDeparture } from "./notices.js";
import { registerAbsenceActions } from "./absence-subcommands.js";
import { handOverDepartedPerson, assignDri, markDone, type CadenceChange } from "./service.js";
import { snoozeCadence } from "./occurrence-changes.js";
import { register as registerOccurrenceChanges } from "./occurrence-listeners.js";
import { findCadenceById } from "./store.js";
import { assignRole, CHANGES, cadenceDeps, ownerRefusal, renderChange } from "./subcommands.js";
import { ACTIONS, HAND_OVER_CALLBACK, handOverModal, titleText } from "./views.js";
import { fieldErrorText } from "../slack/mrkdwn.js";
import { parseOwnJson } from "../slack/payload.js";
import { fallbackText } from "../slack/blocks.js";
import { reviewOutcomeQuestion } from "../reviews/service.js";

import { subcommands as cadenceSubcommands } from "./subcommands.js";
import { editSubcommands, register as registerEditing } from "./edit-listeners.js";

export const subcommands = [...cadenceSubcommands, ...editSubcommands];

const PickSchema = z.object({
  op: z.enum(["assign", "backup", "pause", "resume", "done"]),
  title: z.string().min(1),
  person: z.string().optional(),
});

const DepartedUserSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  deleted: z.literal(true),
});

const HandOverMetaSchema = z.object({
  cadenceId: z.string(),
  origin: z.object({ channel: z.string(), ts: z.string() }).nullable(),
});

const SLACK_USER_ID = z.string().regex(/^[UW][A-Z0-9]+$/);

const buttonValue = (action: unknown): string | null => {
  const value = (action as { value?: unknown }).value;
  return typeof value === "string" && value ? value : null;
};

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function register(app: App, deps: AppDeps): void {
  const guarded = <A>(name: string, listener: (args: A) => Promise<void>) =>
    guard(deps.logger, name, listener);

  app.action(/^cadence_pick_\d+$/, guarded("answerCadencePick", pickCadence(deps)));
  for (const [actionId, icon, name] of [
    [ACTIONS.markDone, ":white_check_mark:", "markDone"],
    [ACTIONS.snooze, ":zzz:", "snooze"],
  ] as const) {
    app.action<BlockAction>(actionId, guarded(name, driButton(deps, name, icon)));
  }
  app.action<BlockAction>(ACTIONS.handOver, guarded("openHandOver", openHandOver(deps)));
  app.view<ViewSubmitAction>(HAND_OVER_CALLBACK, guarded("submitHandOver", submitHandOver(deps)));
  registerOccurrenceChanges(app, deps);
  registerAbsenceActions(app, deps);
  registerEditing(app, deps);
  // When Slack reports a person deactivated, their cadences move on at once.
  app.event("user_change", async ({ event, client }) => {
    const user = DepartedUserSchema.safeParse(event.user);
    if (!user.success) return;
    const report = await handOverDepartedPerson(cadenceDeps(deps), user.data.team_id, user.data.id);
    await announceDeparture(
      { db: deps.db, slack: client, adminUserIds: deps.config.adminUserIds },
      user.data.team_id,
      user.data.id,
      report,
    );
  });
}

/** A button under "which cadence did you mean?": runs the subcommand again on the one picked. */
export function pickCadence(deps: AppDeps) {
  return async function answerCadencePick({
    ack,
    body,
    action,
    respond,
    client,
    context,
  }: ActionArgs) {
    await ack();
    const picked = parseOwnJson(PickSchema, buttonValue(action));
    const teamId = body.team?.id;
    if (!picked || !teamId) return;
    const { op, title, person } = picked;
    const request = { deps, client, teamId, actor: () => actorOf(context) };
    const reply =
      op === "assign" || op === "backup"
        ? await assignRole(op, { cadence: title, person: person ?? "" }, request)
        : renderChange(
            await CHANGES[op](cadenceDeps(deps), teamId, await actorOf(context), title),
            op,
          );
    await respond({ response_type: "ephemeral", replace_original: true, ...reply });
  };
}

export function driButton(deps: AppDeps, name: "markDone" | "snooze", icon: string) {
  const run = (teamId: string, actor: Actor, id: string) =>
    name === "markDone"
      ? markDone(cadenceDeps(deps), teamId, actor, { id })
      : snoozeCadence(cadenceDeps(deps), teamId, actor, id);
  return async function answerDriButton({
    ack,
    body,
    action,
    respond,
    client,
    context,
  }: ActionArgs) {
    await ack();
    const cadenceId = buttonValue(action);
    const teamId = body.team?.id;
    if (!cadenceId || !teamId) return;
    // A definition review asks what it decided before it counts as done.
    const question = name === "markDone" ? await reviewQuestionFor(deps, teamId, cadenceId) : null;
    if (question) {
      const reply = { text: fallbackText(question), blocks: question };
      if (body.view?.type === "home")
        await client.chat.postMessage({ channel: body.user.id, ...reply });
      else await respond({ response_type: "ephemeral", replace_original: false, ...reply });
      return;
    }
    const actor = await actorOf(context);
    await answerButton(
      deps,
      { body, respond, client, actor },
      teamId,
      await run(teamId, actor, cadenceId),
      icon,
    );
  };
}

async function reviewQuestionFor(deps: AppDeps, teamId: string, cadenceId: string) {
  const cadence = await findCadenceById(deps.db, teamId, cadenceId);
  return cadence ? reviewOutcomeQuestion(cadence) : null;
}

/**
 * Shows what a button did: in a message, the message is replaced by the confirmation (via
 * response_url); on the Home tab, which has no response_url, the tab is republished.
 */
async function answerButton(
  deps: AppDeps,
  args: { body: BlockAction; respond: RespondFn; client: WebClient; actor: Actor },
  teamId: string,
  change: CadenceChange,
  icon: string,
) {
  const text = change.ok ? `${icon} ${change.message}` : change.message;
  if (args.body.view?.type === "home") {
    await republishHome(deps, args.client, teamId, args.actor, text);
    return;
  }
  await args.respond({ response_type: "ephemeral", replace_original: change.ok, text });
}

export function openHandOver(deps: AppDeps) {
  return async function openHandOverModal({ ack, body, action, client }: ActionArgs) {
    await ack();
    const cadenceId = buttonValue(action);
    if (!cadenceId || !body.trigger_id) return;
    const cadence = body.team?.id ? await findCadenceById(deps.db, body.team.id, cadenceId) : null;
    if (!cadence) return;
    const origin =
      body.channel && body.message ? { channel: body.channel.id, ts: body.message.ts } : null;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: handOverModal(cadence.id, cadence.title, origin),
    });
  };
}

export function submitHandOver(deps: AppDeps) {
  return async function answerHandOver({ ack, body, view, client, context }: ViewArgs) {
    const meta = parseOwnJson(HandOverMetaSchema, view.private_metadata);
    const to = SLACK_USER_ID.safeParse(view.state?.values?.new_dri?.user?.selected_user);
    if (!meta || !to.success) {
      const problem = meta
        ? "Choose the person who takes this cadence over."
        : "This form is out of date: close it and press Hand over again.";
      await ack({ response_action: "errors", errors: { new_dri: problem } });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const problem = await ownerRefusal(deps, client, teamId, to.data);
    const change = problem
      ? problem
      : await assignDri(
          cadenceDeps(deps),
          teamId,
          await actorOf(context),
          { id: meta.cadenceId },
          to.data,
          "handed over",
        );
    if (!change.ok) {
      await ack({ response_action: "errors", errors: { new_dri: fieldErrorText(change.message) } });
      return;
    }
    await ack();
    const confirmation = `:handshake: ${change.message} Handed over by <@${body.user.id}>.`;
    if (meta.origin)
      await client.chat.update({
        channel: meta.origin.channel,
        ts: meta.origin.ts,
        text: confirmation,
        blocks: [],
      });
    else await client.chat.postMessage({ channel: body.user.id, text: confirmation });
    await client.chat.postMessage({
      channel: to.data,
      text: `<@${body.user.id}> handed ${titleText(change.cadence.title)} over to you: you are now its DRI.`,
    });
  };
}
