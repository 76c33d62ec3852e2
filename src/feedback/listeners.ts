// /winloss and /content: an AE opens a modal, fills it in under a minute, and gets a private
// confirmation with Edit and Delete (for 7 days). The monthly DMs' buttons open the same modals.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackCommandMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { firstInputBlock, guard } from "../slack/answered.js";
import { context, fallbackText, section } from "../slack/blocks.js";
import type { AppDeps } from "../slack/deps.js";
import { lookUpPerson } from "../workspaces/service.js";
import { CONTENT_VIEW, WIN_LOSS_VIEW, contentModal, winLossModal } from "./modals.js";
import { parseContent, parseWinLoss } from "./submissions.js";
import { noteSummary, type FeedbackKind } from "./rules.js";
import { changeableNote, deleteNote, editNote, picklistsFor, submitNote } from "./service.js";
import type { ContentInput, WinLossInput } from "./types.js";

export const OPEN_WINLOSS = "feedback_open_winloss";
export const OPEN_CONTENT = "feedback_open_content";
export const EDIT_NOTE = "feedback_edit";
export const DELETE_NOTE = "feedback_delete";

/** What a modal carries between opening and submission. */
const MetadataSchema = z.object({
  noteId: z.string().optional(),
  /** The confirmation message to refresh after an edit. */
  confirmation: z.object({ channel: z.string(), ts: z.string() }).optional(),
});
type Metadata = z.infer<typeof MetadataSchema>;

const readMetadata = (raw: string | undefined): Metadata => {
  try {
    return MetadataSchema.parse(JSON.parse(raw || "{}"));
  } catch {
    return {};
  }
};

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const KIND_LABEL: Record<FeedbackKind, string> = {
  winloss: "win/loss note",
  content: "content note",
};

const feedbackDepsOf = (deps: AppDeps) => ({
  db: deps.db,
  clock: deps.clock,
  defaultTimezone: deps.config.defaultTimezone,
});

export function register(app: App, deps: AppDeps): void {
  const feedbackDeps = feedbackDepsOf(deps);

  const openModal = async (
    client: WebClient,
    teamId: string,
    triggerId: string,
    kind: FeedbackKind,
    prefill: Partial<WinLossInput> | Partial<ContentInput>,
    metadata: Metadata,
  ) => {
    const picklists = await picklistsFor(deps.db, teamId);
    const mode = metadata.noteId ? "edit" : "new";
    const view =
      kind === "winloss"
        ? winLossModal(picklists, prefill as Partial<WinLossInput>, JSON.stringify(metadata), mode)
        : contentModal(picklists, prefill as Partial<ContentInput>, JSON.stringify(metadata), mode);
    await client.views.open({ trigger_id: triggerId, view });
  };

  app.command(
    "/winloss",
    guard<CommandArgs>(deps.logger, "openWinLoss", async ({ command, ack, client }) => {
      await ack();
      const dealName = command.text.trim().slice(0, 150);
      await openModal(
        client,
        command.team_id,
        command.trigger_id,
        "winloss",
        dealName ? { dealName } : {},
        {},
      );
    }),
  );

  app.command(
    "/content",
    guard<CommandArgs>(deps.logger, "openContent", async ({ command, ack, client }) => {
      await ack();
      await openModal(client, command.team_id, command.trigger_id, "content", {}, {});
    }),
  );

  for (const [actionId, kind] of [
    [OPEN_WINLOSS, "winloss"],
    [OPEN_CONTENT, "content"],
  ] as const) {
    app.action<BlockAction>(
      actionId,
      guard(deps.logger, actionId, async ({ ack, body, client }) => {
        await ack();
        const teamId = body.team?.id ?? body.user.team_id ?? "";
        await openModal(client, teamId, body.trigger_id, kind, {}, {});
      }),
    );
  }

  for (const [callbackId, kind] of [
    [WIN_LOSS_VIEW, "winloss"],
    [CONTENT_VIEW, "content"],
  ] as const) {
    app.view(callbackId, guard<ViewArgs>(deps.logger, callbackId, submitFeedback(deps, kind)));
  }

  const refuse = (respond: RespondFn, refusal: string) =>
    respond({ response_type: "ephemeral", replace_original: false, text: refusal });

  app.action<BlockAction<ButtonAction>>(
    EDIT_NOTE,
    guard(deps.logger, "editNote", async ({ ack, body, action, client, respond }) => {
      await ack();
      const changeable = await changeableNote(feedbackDeps, action.value ?? "", body.user.id);
      if (!changeable.ok) {
        await refuse(respond, changeable.message);
        return;
      }
      const { note } = changeable;
      const channel = body.container?.channel_id as string | undefined;
      const ts = body.container?.message_ts as string | undefined;
      await openModal(client, note.slackTeamId, body.trigger_id, note.kind, note, {
        noteId: note.id,
        confirmation: channel && ts ? { channel, ts } : undefined,
      });
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    DELETE_NOTE,
    guard(deps.logger, "deleteNote", async ({ ack, body, action, respond }) => {
      await ack();
      const deleted = await deleteNote(feedbackDeps, action.value ?? "", body.user.id);
      if (!deleted.ok) {
        await refuse(respond, deleted.message);
        return;
      }
      await respond({
        replace_original: true,
        text: `:wastebasket: Deleted your ${KIND_LABEL[deleted.kind]}: ${deleted.summary}.`,
      });
    }),
  );
}

/** A /winloss or /content modal submitted: stored (or edited), confirmed privately. */
export function submitFeedback(deps: AppDeps, kind: FeedbackKind) {
  const feedbackDeps = feedbackDepsOf(deps);
  return async function submitFeedbackModal({ ack, body, view, client }: ViewArgs) {
    const parsed =
      kind === "winloss"
        ? parseWinLoss(view.state?.values)
        : parseContent(
            view.state?.values,
            (await picklistsFor(deps.db, body.team?.id ?? body.user.team_id ?? "")).assets,
          );
    if (!parsed.ok) {
      await ack({ response_action: "errors", errors: parsed.errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const userId = body.user.id;
    const metadata = readMetadata(view.private_metadata);
    if (metadata.noteId) {
      const edited = await editNote(feedbackDeps, metadata.noteId, userId, parsed.value);
      if (!edited.ok) {
        await ack({
          response_action: "errors",
          errors: { [firstBlockId(view)]: edited.message },
        });
        return;
      }
      await ack();
      const blocks = confirmationBlocks(kind, parsed.value, metadata.noteId, "Updated");
      if (metadata.confirmation)
        await client.chat.update({
          ...metadata.confirmation,
          text: fallbackText(blocks),
          blocks,
        });
      return;
    }
    const saved = await submitNote(feedbackDeps, {
      slackTeamId: teamId,
      authorSlackUserId: userId,
      kind,
      sourceViewId: view.id,
      data: parsed.value,
    });
    if (!saved.ok) {
      await ack({ response_action: "errors", errors: { [firstBlockId(view)]: saved.message } });
      return;
    }
    await ack();
    // A retried submission of the same modal was stored the first time: confirm only once.
    if (!saved.created) return;
    const blocks = confirmationBlocks(kind, parsed.value, saved.id, "Saved");
    await client.chat.postMessage({ channel: userId, text: fallbackText(blocks), blocks });
    // Learn the author's name for next time (the roll-up keeps it away from the model).
    if (!saved.authorKnown)
      void lookUpPerson(deps.db, deps.clock, client, teamId, userId).catch(() => undefined);
  };
}

/** Where a refusal shows in the modal: its first input (the values say which blocks it has). */
function firstBlockId(view: unknown): string {
  return firstInputBlock(view) ?? "";
}

/** The private confirmation: what was saved, and Edit / Delete for the next 7 days. */
export function confirmationBlocks(
  kind: FeedbackKind,
  data: WinLossInput | ContentInput,
  noteId: string,
  verb: "Saved" | "Updated",
): KnownBlock[] {
  return [
    section(`:white_check_mark: ${verb} your ${KIND_LABEL[kind]}. ${noteSummary(kind, data)}`),
    context("Only you can see this. You can edit or delete it for 7 days."),
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: EDIT_NOTE,
          text: { type: "plain_text", text: "Edit" },
          value: noteId,
        },
        {
          type: "button",
          action_id: DELETE_NOTE,
          style: "danger",
          text: { type: "plain_text", text: "Delete" },
          value: noteId,
          confirm: {
            title: { type: "plain_text", text: "Delete this note?" },
            text: { type: "plain_text", text: "Marketing will not see it in the monthly roll-up." },
            confirm: { type: "plain_text", text: "Delete" },
            deny: { type: "plain_text", text: "Keep it" },
          },
        },
      ],
    },
  ];
}
