// Skip this one and Move to…: the buttons open a modal (./occurrence-views.ts), its submission
// changes that one occurrence (./occurrence-changes.ts) and confirms where the button was: the
// reminder message is replaced, the Home tab republished. The DRI hears of it when someone else
// did it.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { republishHome } from "../home/service.js";
import { refuse } from "../refusals.js";
import { actorOf, type Actor } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { fieldErrorText } from "../slack/mrkdwn.js";
import { parseOwnJson } from "../slack/payload.js";
import { changeOccurrence, type OccurrenceChange } from "./occurrence-changes.js";
import { canChangeCadence } from "./rules.js";
import {
  MAX_REASON_CHARS,
  MOVE_OCCURRENCE_CALLBACK,
  OCCURRENCE_INPUTS,
  SKIP_OCCURRENCE_CALLBACK,
  moveOccurrenceModal,
  occurrenceConfirmation,
  skipOccurrenceModal,
  type OccurrenceOrigin,
} from "./occurrence-views.js";
import { findCadenceById } from "./store.js";
import { cadenceDeps } from "./subcommands.js";
import { ACTIONS } from "./views.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What a Skip this one / Move to… button carries (src/cadences/views.ts, driButtons). */
const OccurrenceButtonSchema = z.object({
  cadenceId: z.string().min(1),
  dueAt: z.iso.datetime(),
});

const OccurrenceMetaSchema = OccurrenceButtonSchema.extend({
  origin: z.discriminatedUnion("surface", [
    z.object({ surface: z.literal("message"), channel: z.string(), ts: z.string() }),
    z.object({ surface: z.literal("home") }),
    z.object({ surface: z.literal("dm") }),
  ]),
});

/** The optional reason: blank is none; too long is refused (Slack enforces it too). */
const ReasonSchema = z
  .string()
  .nullish()
  .transform((text) => text?.trim() || null)
  .refine((text) => !text || text.length <= MAX_REASON_CHARS);

/** The datetimepicker's value: unix seconds, in whatever timezone the person's Slack shows. */
const PickedTimeSchema = z
  .number()
  .int()
  .positive()
  // Before 2100: a forged far-off value must get a field error, not break the date arithmetic.
  .max(4_102_444_800)
  .transform((seconds) => new Date(seconds * 1000));

export function register(app: App, deps: AppDeps): void {
  const guarded = <A>(name: string, listener: (args: A) => Promise<void>) =>
    guard(deps.logger, name, listener);
  app.action<BlockAction>(
    ACTIONS.skipOccurrence,
    guarded("openSkipOccurrence", openOccurrenceModal(deps, "skip")),
  );
  app.action<BlockAction>(
    ACTIONS.moveOccurrence,
    guarded("openMoveOccurrence", openOccurrenceModal(deps, "move")),
  );
  app.view<ViewSubmitAction>(
    SKIP_OCCURRENCE_CALLBACK,
    guarded("submitSkipOccurrence", submitOccurrenceChange(deps, "skip")),
  );
  app.view<ViewSubmitAction>(
    MOVE_OCCURRENCE_CALLBACK,
    guarded("submitMoveOccurrence", submitOccurrenceChange(deps, "move")),
  );
}

export function openOccurrenceModal(deps: AppDeps, kind: "skip" | "move") {
  return async function openOccurrenceChangeModal({
    ack,
    body,
    action,
    respond,
    client,
    context,
  }: ActionArgs) {
    await ack();
    const button = parseOwnJson(OccurrenceButtonSchema, (action as { value?: unknown }).value);
    const teamId = body.team?.id ?? "";
    const cadence =
      button && teamId ? await findCadenceById(deps.db, teamId, button.cadenceId) : null;
    const origin: OccurrenceOrigin =
      body.view?.type === "home"
        ? { surface: "home" }
        : body.channel && body.message
          ? { surface: "message", channel: body.channel.id, ts: body.message.ts }
          : { surface: "dm" };
    const actor = await actorOf(context);
    // Someone who may not change it hears so now, not after filling in the form.
    const problem = !button
      ? refuse("occurrence-form-outdated")
      : !cadence || !body.trigger_id
        ? refuse("cadence-gone")
        : !canChangeCadence(actor, deps.config.adminUserIds, cadence)
          ? refuse("not-cadence-owner", { title: cadence.title, dri: cadence.driSlackUserId })
          : null;
    if (problem || !button || !cadence || !body.trigger_id) {
      const text = problem?.message ?? refuse("cadence-gone").message;
      // The message with the button stays as it was: the answer is for this person only.
      if (origin.surface === "home") await confirm(deps, client, teamId, actor, origin, text);
      else if (body.response_url)
        await respond({ response_type: "ephemeral", replace_original: false, text });
      return;
    }
    const input = {
      cadenceId: cadence.id,
      title: cadence.title,
      timezone: cadence.timezone,
      dueAt: new Date(button.dueAt),
      origin,
    };
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: kind === "skip" ? skipOccurrenceModal(input) : moveOccurrenceModal(input),
      });
    } catch (error) {
      // An expired trigger (Slack took over 3 s) or Slack down: say so rather than nothing.
      deps.logger.warn({ err: error, cadenceId: cadence.id }, "could not open the occurrence form");
      const text = "Slack did not open the form. Press the button again.";
      if (origin.surface === "home") await confirm(deps, client, teamId, actor, origin, text);
      else if (body.response_url)
        await respond({ response_type: "ephemeral", replace_original: false, text });
    }
  };
}

export function submitOccurrenceChange(deps: AppDeps, kind: "skip" | "move") {
  return async function answerOccurrenceChange({ ack, body, view, client, context }: ViewArgs) {
    const values = view.state?.values ?? {};
    const meta = parseOwnJson(OccurrenceMetaSchema, view.private_metadata);
    const fieldBlock =
      kind === "move" ? OCCURRENCE_INPUTS.when.block : OCCURRENCE_INPUTS.reason.block;
    if (!meta) {
      await ack({
        response_action: "errors",
        errors: { [fieldBlock]: refuse("occurrence-form-outdated").message },
      });
      return;
    }
    const reason = ReasonSchema.safeParse(
      values[OCCURRENCE_INPUTS.reason.block]?.[OCCURRENCE_INPUTS.reason.action]?.value,
    );
    if (!reason.success) {
      await ack({
        response_action: "errors",
        errors: {
          [OCCURRENCE_INPUTS.reason.block]: refuse("occurrence-note-too-long", {
            max: MAX_REASON_CHARS,
          }).message,
        },
      });
      return;
    }
    let change: OccurrenceChange = { kind: "skip", note: reason.data };
    if (kind === "move") {
      const picked = PickedTimeSchema.safeParse(
        values[OCCURRENCE_INPUTS.when.block]?.[OCCURRENCE_INPUTS.when.action]?.selected_date_time,
      );
      if (!picked.success) {
        await ack({
          response_action: "errors",
          errors: { [OCCURRENCE_INPUTS.when.block]: "Choose the new date and time." },
        });
        return;
      }
      change = { kind: "move", to: picked.data, note: reason.data };
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = await actorOf(context);
    const result = await changeOccurrence(
      cadenceDeps(deps),
      teamId,
      actor,
      meta.cadenceId,
      new Date(meta.dueAt),
      change,
    );
    if (!result.ok) {
      await ack({
        response_action: "errors",
        errors: { [fieldBlock]: fieldErrorText(result.message) },
      });
      return;
    }
    await ack();
    const confirmation = occurrenceConfirmation(kind, result.message, change.note);
    await confirm(deps, client, teamId, actor, meta.origin, confirmation);
    const dri = result.cadence.driSlackUserId;
    if (dri && dri !== actor.slackUserId)
      await client.chat.postMessage({ channel: dri, text: confirmation });
  };
}

/** Shows the outcome where the button was: in its message, atop the Home tab, or by DM. */
async function confirm(
  deps: AppDeps,
  client: WebClient,
  teamId: string,
  actor: Actor,
  origin: OccurrenceOrigin,
  text: string,
): Promise<void> {
  try {
    if (origin.surface === "message") {
      await client.chat.update({ channel: origin.channel, ts: origin.ts, text, blocks: [] });
      return;
    }
    if (origin.surface === "home") {
      await republishHome(deps, client, teamId, actor, text);
      return;
    }
  } catch (error) {
    // The message was deleted or the Home tab could not be published: the change is made, so
    // the person still hears of it, by DM.
    deps.logger.warn({ err: error }, "could not show the outcome where the button was");
  }
  await client.chat.postMessage({ channel: actor.slackUserId, text });
}
