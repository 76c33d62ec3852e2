// Importing lead data from Slack: an admin shares a CSV with Cadence in a DM, or picks one in the
// `/cadence import` modal. The use case (download, import, progress, summary) is ./slack-import.ts.
import type {
  AllMiddlewareArgs,
  App,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { subcommand } from "../slack/subcommands.js";
import { importSharedFile, whyNotImporter, type SlackImportDeps } from "./slack-import.js";
import {
  IMPORT_FILE_BLOCK,
  IMPORT_OPTIONS_BLOCK,
  LEAD_IMPORT_VIEW,
  SKIP_INVALID,
  leadImportModal,
} from "./views.js";

/** A CSV shared in a DM with Cadence: Slack sends a message event with subtype file_share. */
const DmFileShareSchema = z.object({
  type: z.literal("message"),
  subtype: z.literal("file_share"),
  channel_type: z.literal("im"),
  channel: z.string(),
  user: z.string(),
  ts: z.string(),
  text: z.string().default(""),
  files: z.array(z.object({ id: z.string() })).min(1),
});

const ImportSubmissionSchema = z.object({
  [IMPORT_FILE_BLOCK]: z.object({
    file: z.object({ files: z.array(z.object({ id: z.string() })).min(1) }),
  }),
  [IMPORT_OPTIONS_BLOCK]: z
    .object({
      [SKIP_INVALID]: z.object({
        selected_options: z.array(z.object({ value: z.string() })).nullish(),
      }),
    })
    .optional(),
});

export const importDeps = (deps: AppDeps, slack: WebClient): SlackImportDeps => ({
  db: deps.db,
  database: deps.database,
  slack,
  logger: deps.logger,
  // The token of the workspace the request came from (Bolt's authorize), for file downloads.
  botToken: slack.token ?? "",
  adminUserIds: deps.config.adminUserIds,
});

export const subcommands = [
  subcommand({
    name: "import",
    usage: "/cadence import",
    description:
      "Import lead data from a CRM export (CSV, admins). Or share the CSV with Cadence in a DM.",
    opensModal: true,
    parse: () => ({ ok: true, input: null }),
    run: async (_input, { deps, client, actor, triggerId }) => {
      const refusal = whyNotImporter(await actor(), deps.config.adminUserIds);
      if (refusal) return { text: refusal.message };
      await client.views.open({ trigger_id: triggerId, view: leadImportModal() });
      return null;
    },
  }),
];

export function register(app: App, deps: AppDeps): void {
  app.event("message", guard(deps.logger, "importSharedCsv", importSharedCsv(deps)));
  app.view<ViewSubmitAction>(
    LEAD_IMPORT_VIEW,
    guard(deps.logger, "submitImport", submitImport(deps)),
  );
}

export function importSharedCsv(deps: AppDeps) {
  return async function importDmFile({
    event,
    body,
    client,
    context,
  }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs) {
    const share = DmFileShareSchema.safeParse(event);
    if (!share.success) return;
    const { channel, ts, text, files } = share.data;
    await importSharedFile(importDeps(deps, client), await actorOf(context), {
      teamId: body.team_id,
      fileId: files[0]!.id,
      skipInvalid: /skip[\s_-]*invalid/i.test(text),
      place: { channel, threadTs: ts },
      retryHint: "share it again with the message `skip invalid`",
    });
  };
}

export function submitImport(deps: AppDeps) {
  return async function submitImportModal({
    ack,
    body,
    view,
    client,
    context,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) {
    const values = ImportSubmissionSchema.safeParse(view.state?.values);
    if (!values.success) {
      await ack({
        response_action: "errors",
        errors: { [IMPORT_FILE_BLOCK]: "Choose one CSV file to import." },
      });
      return;
    }
    await ack();
    const selected = values.data[IMPORT_OPTIONS_BLOCK]?.[SKIP_INVALID].selected_options ?? [];
    await importSharedFile(importDeps(deps, client), await actorOf(context), {
      teamId: body.team?.id ?? body.user.team_id ?? "",
      fileId: values.data[IMPORT_FILE_BLOCK].file.files[0]!.id,
      skipInvalid: selected.some((option) => option.value === SKIP_INVALID),
      // Slack delivers a DM to a user id in the bot's conversation with them.
      place: { channel: body.user.id },
      retryHint: "import it again with “Write the valid rows” ticked",
    });
  };
}
