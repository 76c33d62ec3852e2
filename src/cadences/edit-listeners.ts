// The Edit and New cadence buttons, the edit modal's submission, and `/cadence edit|new|archive`.
// Each parses its input (zod), checks who asks, calls a use case in ./edit-service.ts and shows
// the answer; the modal's fields are read by ./editing.ts.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { republishHome } from "../home/service.js";
import { refuse } from "../refusals.js";
import { actorOf, type Actor } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { blocksReply } from "../slack/ack.js";
import { section } from "../slack/blocks.js";
import { fieldErrorText } from "../slack/mrkdwn.js";
import { parseOwnJson } from "../slack/payload.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";
import { workspaceTimezone } from "../workspaces/store.js";
import {
  EditFormValuesSchema,
  FIELDS,
  newCadenceSettings,
  readEditForm,
  settingsFingerprint,
  todayIn,
  type FieldBlock,
  type FieldErrors,
} from "./editing.js";
import { EDIT_ACTIONS, EDIT_CALLBACK, EditMetaSchema, editCadenceModal } from "./edit-modal.js";
import {
  archiveCadence,
  cadenceSettings,
  createCustomCadence,
  editCadence,
  whyNotEditable,
} from "./edit-service.js";
import { isStandardKind } from "./kinds.js";
import { isCadenceAdmin, withoutMentions } from "./rules.js";
import { findCadence } from "./service.js";
import { findCadenceById, recurrenceOf, type CadenceRow } from "./store.js";
import { editButtonRows } from "./views.js";
import { cadenceDeps, ownerRefusal } from "./subcommands.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const CadenceIdSchema = z.string().min(1).max(64);

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction>(
    EDIT_ACTIONS.edit,
    guard(deps.logger, "openCadenceEdit", openEditFromButton(deps)),
  );
  app.action<BlockAction>(
    EDIT_ACTIONS.create,
    guard(deps.logger, "openCadenceNew", openNewFromButton(deps)),
  );
  app.view<ViewSubmitAction>(
    EDIT_CALLBACK,
    guard(deps.logger, "submitCadenceEdit", submitEdit(deps)),
  );
}

/** The edit modal for a cadence, or why this person may not open it. */
function editModalFor(deps: AppDeps, actor: Actor, cadence: CadenceRow | null, fromHome: boolean) {
  const problem = whyNotEditable(cadenceDeps(deps), actor, cadence);
  if (problem || !cadence) return { ok: false as const, message: problem!.message };
  return {
    ok: true as const,
    view: editCadenceModal({
      meta: {
        cadenceId: cadence.id,
        fromHome,
        fingerprint: settingsFingerprint(cadenceSettings(cadence)),
      },
      settings: cadenceSettings(cadence),
      titleEditable: !isStandardKind(cadence.kind),
    }),
  };
}

async function newModalFor(deps: AppDeps, actor: Actor, teamId: string, fromHome: boolean) {
  if (!isCadenceAdmin(actor, deps.config.adminUserIds))
    return { ok: false as const, message: refuse("not-admin-create").message };
  return {
    ok: true as const,
    view: editCadenceModal({
      meta: { cadenceId: null, fromHome, fingerprint: null },
      settings: newCadenceSettings(
        await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone),
        actor.slackUserId,
      ),
      titleEditable: true,
    }),
  };
}

/** Tells the person why a button did nothing: privately under the message, or by DM from the Home tab. */
async function tellRefusal(body: BlockAction, respond: RespondFn, client: WebClient, text: string) {
  if (body.view?.type !== "home" && body.response_url) {
    try {
      await respond({ response_type: "ephemeral", replace_original: false, text });
      return;
    } catch {
      // The message's response_url expired or was refused: a DM still reaches them.
    }
  }
  await client.chat.postMessage({ channel: body.user.id, text });
}

/**
 * Opens the modal, or tells the person Slack would not (an expired trigger_id after a slow
 * answer, a view Slack refused): a button that silently does nothing gets pressed again and again.
 */
async function openModal(
  deps: AppDeps,
  body: BlockAction,
  respond: RespondFn,
  client: WebClient,
  view: ModalView,
) {
  try {
    await client.views.open({ trigger_id: body.trigger_id, view });
  } catch (error) {
    deps.logger.warn({ err: error }, "Slack did not open the cadence edit modal");
    await tellRefusal(body, respond, client, refuse("modal-not-opened").message);
  }
}

function openEditFromButton(deps: AppDeps) {
  return async function openCadenceEdit({
    ack,
    body,
    action,
    respond,
    client,
    context,
  }: ActionArgs) {
    await ack();
    const cadenceId = CadenceIdSchema.safeParse((action as { value?: unknown }).value);
    const teamId = body.team?.id;
    if (!cadenceId.success || !teamId || !body.trigger_id) return;
    const cadence = await findCadenceById(deps.db, teamId, cadenceId.data);
    const modal = editModalFor(deps, await actorOf(context), cadence, body.view?.type === "home");
    if (!modal.ok) return tellRefusal(body, respond, client, modal.message);
    await openModal(deps, body, respond, client, modal.view);
  };
}

function openNewFromButton(deps: AppDeps) {
  return async function openCadenceNew({ ack, body, respond, client, context }: ActionArgs) {
    await ack();
    const teamId = body.team?.id;
    if (!teamId || !body.trigger_id) return;
    const modal = await newModalFor(
      deps,
      await actorOf(context),
      teamId,
      body.view?.type === "home",
    );
    if (!modal.ok) return tellRefusal(body, respond, client, modal.message);
    await openModal(deps, body, respond, client, modal.view);
  };
}

function submitEdit(deps: AppDeps) {
  return async function submitCadenceEdit({ ack, body, view, client, context }: ViewArgs) {
    const fail = (errors: FieldErrors) => ack({ response_action: "errors", errors });
    const stale = { [FIELDS.rhythm]: fieldErrorText(refuse("edit-form-stale").message) };
    const meta = parseOwnJson(EditMetaSchema, view.private_metadata);
    const values = EditFormValuesSchema.safeParse(view.state?.values ?? {});
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    if (!meta || !values.success || !teamId) return fail(stale);
    const cadence = meta.cadenceId ? await findCadenceById(deps.db, teamId, meta.cadenceId) : null;
    if (meta.cadenceId && !cadence)
      return fail({ [FIELDS.rhythm]: fieldErrorText(refuse("cadence-gone").message) });
    const previous = cadence ? cadenceSettings(cadence) : null;
    const timezone =
      cadence?.timezone ?? (await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone));
    const reading = readEditForm(values.data, {
      titleEditable: !cadence || !isStandardKind(cadence.kind),
      previous,
      today: todayIn(deps.clock.now(), timezone),
    });
    if (!reading.ok) return fail(reading.errors);
    const { settings } = reading;
    const people: Array<[FieldBlock, string | null]> = [
      [FIELDS.dri, settings.driSlackUserId],
      [FIELDS.backup, settings.backupSlackUserId],
    ];
    const errors: FieldErrors = {};
    for (const [block, person] of people) {
      const problem = person ? await ownerRefusal(deps, client, teamId, person) : null;
      if (problem) errors[block] = fieldErrorText(problem.message);
    }
    if (Object.keys(errors).length) return fail(errors);
    const actor = await actorOf(context);
    const result = cadence
      ? await editCadence(
          cadenceDeps(deps),
          teamId,
          actor,
          cadence.id,
          settings,
          meta.fingerprint ?? "",
        )
      : await createCustomCadence(cadenceDeps(deps), teamId, actor, settings);
    if (!result.ok)
      return fail({ [result.field ?? FIELDS.rhythm]: fieldErrorText(result.message) });
    await ack();
    await client.chat.postMessage({ channel: body.user.id, text: result.message });
    if (meta.fromHome) {
      await republishHome(deps, client, teamId, actor);
    }
  };
}

/** A command's modal, or the answer saying Slack would not open it. */
async function openModalFromCommand(
  deps: AppDeps,
  client: WebClient,
  triggerId: string,
  view: ModalView,
) {
  try {
    await client.views.open({ trigger_id: triggerId, view });
    return null;
  } catch (error) {
    deps.logger.warn({ err: error }, "Slack did not open the cadence edit modal");
    return { text: refuse("modal-not-opened").message };
  }
}

const usage = (problem: string): Parsed<never> => ({ ok: false, problem });

function parseName(args: string): Parsed<{ cadence: string }> {
  const name = withoutMentions(args);
  return name ? { ok: true, input: { cadence: name } } : usage("Which cadence?");
}

/** `/cadence edit|new|archive`, appended to the cadences' subcommands (./subcommands.ts). */
export const editSubcommands = [
  subcommand<{ cadence: string }>({
    name: "edit",
    usage: "/cadence edit <cadence>",
    description:
      "Change a cadence's rhythm, time, timezone, channel, reminders, escalation, DRI, backup and holidays (admins, the DRI).",
    opensModal: true,
    parse: parseName,
    run: async (input, { deps, client, teamId, actor, triggerId }) => {
      const match = await findCadence(deps.db, teamId, input.cadence);
      if (match.kind === "none")
        return { text: refuse("no-cadence", { name: input.cadence }).message };
      if (match.kind === "ambiguous") {
        // The candidates' Edit buttons: one press opens the right form.
        const question = refuse("ambiguous", {
          name: input.cadence,
          titles: match.candidates.map((c) => c.title),
        }).message;
        return blocksReply([
          section(question),
          ...editButtonRows(match.candidates.map((c) => ({ ...c, recurrence: recurrenceOf(c) }))),
        ]);
      }
      const modal = editModalFor(deps, await actor(), match.cadence, false);
      if (!modal.ok) return { text: modal.message };
      return openModalFromCommand(deps, client, triggerId, modal.view);
    },
  }),
  subcommand({
    name: "new",
    usage: "/cadence new",
    description: "Create a custom cadence with its own title and rhythm (admins).",
    opensModal: true,
    parse: () => ({ ok: true, input: null }),
    run: async (_input, { deps, client, teamId, actor, triggerId }) => {
      const modal = await newModalFor(deps, await actor(), teamId, false);
      if (!modal.ok) return { text: modal.message };
      return openModalFromCommand(deps, client, triggerId, modal.view);
    },
  }),
  subcommand<{ cadence: string }>({
    name: "archive",
    usage: "/cadence archive <cadence>",
    description:
      "Archive a custom cadence: it keeps its history and leaves the list, the calendar and the schedule.",
    parse: parseName,
    run: async (input, request) => {
      const result = await archiveCadence(
        cadenceDeps(request.deps),
        request.teamId,
        await request.actor(),
        input.cadence,
      );
      return { text: result.message };
    },
  }),
];
