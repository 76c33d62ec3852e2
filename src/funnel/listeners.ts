// Importing lead data from Slack: an admin shares a CSV with Cadence in a DM, or picks one in the
// `/cadence import` modal. The summary comes back in the thread; many invalid rows come as a file.
import type { App } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { isCadenceAdmin } from "../cadences/rules.js";
import type { EphemeralReply } from "../slack/ack.js";
import { fallbackText } from "../slack/blocks.js";
import type { AppDeps } from "../slack/deps.js";
import {
  FileDownloadError,
  SlackFileSchema,
  withDownloadedFile,
  type SlackFile,
} from "../slack/files.js";
import { isWorkspaceAdmin } from "../workspaces/rules.js";
import { lookUpPerson } from "../workspaces/service.js";
import { findWorkspace } from "../workspaces/store.js";
import { csvFile } from "./csv.js";
import { importLeads } from "./import.js";
import { MAX_UPLOAD_BYTES, whyNotImportable } from "./rules.js";
import { problemsCsv } from "./report.js";
import {
  IMPORT_FILE_BLOCK,
  IMPORT_OPTIONS_BLOCK,
  LEAD_IMPORT_VIEW,
  SHOWN_PROBLEMS,
  SKIP_INVALID,
  importProgressText,
  importStartedText,
  importSummaryBlocks,
  leadImportModal,
} from "./views.js";

/** How often the progress line is edited while an import runs. */
const PROGRESS_EVERY_MS = 2_000;

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

/** Where the summary goes: a DM channel, and the message to thread under (if any). */
interface ReplyPlace {
  channel: string;
  threadTs?: string;
}

interface SharedFileImport {
  teamId: string;
  userId: string;
  fileId: string;
  skipInvalid: boolean;
  place: ReplyPlace;
  retryHint: string;
}

/** Workspaces with an import running in this process: one at a time each. */
const running = new Set<string>();

export function register(app: App, deps: AppDeps): void {
  app.event("message", async ({ event, body, client }) => {
    const share = DmFileShareSchema.safeParse(event);
    if (!share.success) return;
    const { channel, user, ts, text, files } = share.data;
    await importSharedFile(client, deps, {
      teamId: body.team_id,
      userId: user,
      fileId: files[0]!.id,
      skipInvalid: /skip[\s_-]*invalid/i.test(text),
      place: { channel, threadTs: ts },
      retryHint: "share it again with the message `skip invalid`",
    });
  });

  app.view(LEAD_IMPORT_VIEW, async ({ ack, body, view, client }) => {
    const values = ImportSubmissionSchema.safeParse(view.state.values);
    if (!values.success) {
      await ack({
        response_action: "errors",
        errors: { [IMPORT_FILE_BLOCK]: "Choose one CSV file to import." },
      });
      return;
    }
    await ack();
    const selected = values.data[IMPORT_OPTIONS_BLOCK]?.[SKIP_INVALID].selected_options ?? [];
    await importSharedFile(client, deps, {
      teamId: body.team?.id ?? body.user.team_id ?? "",
      userId: body.user.id,
      fileId: values.data[IMPORT_FILE_BLOCK].file.files[0]!.id,
      skipInvalid: selected.some((option) => option.value === SKIP_INVALID),
      // Slack delivers a DM to a user id in the bot's conversation with them.
      place: { channel: body.user.id },
      retryHint: "import it again with “Write the valid rows” ticked",
    });
  });
}

/** `/cadence import`: the modal for admins, a refusal for everyone else. */
export async function openLeadImport(
  client: WebClient,
  deps: AppDeps,
  input: { teamId: string; userId: string; triggerId: string },
): Promise<EphemeralReply | null> {
  const refusal = await whyNotImporter(client, deps, input.teamId, input.userId);
  if (refusal) return { text: refusal };
  await client.views.open({ trigger_id: input.triggerId, view: leadImportModal() });
  return null;
}

async function whyNotImporter(
  client: WebClient,
  deps: AppDeps,
  teamId: string,
  userId: string,
): Promise<string | null> {
  const person = await lookUpPerson(deps.db, deps.clock, client, teamId, userId);
  const actor = {
    slackUserId: userId,
    isWorkspaceAdmin: isWorkspaceAdmin(person),
  };
  return isCadenceAdmin(actor, deps.config.adminUserIds)
    ? null
    : "Only workspace admins and Cadence admins (ADMIN_USER_IDS) can import lead data, because it changes the numbers everyone sees. Ask one of them to import it. Nothing was imported.";
}

async function importSharedFile(
  client: WebClient,
  deps: AppDeps,
  request: SharedFileImport,
): Promise<void> {
  const { place } = request;
  const post = async (message: { text: string; blocks?: KnownBlock[] }) =>
    client.chat.postMessage({ channel: place.channel, thread_ts: place.threadTs, ...message });

  const refusal = await whyNotImporter(client, deps, request.teamId, request.userId);
  if (refusal) {
    await post({ text: refusal });
    return;
  }
  const described = SlackFileSchema.safeParse(
    (await client.files.info({ file: request.fileId })).file,
  );
  if (!described.success) {
    await post({
      text: "Slack did not describe that file fully, so it was not imported. Try sharing it again.",
    });
    return;
  }
  const file = described.data;
  const unusable = whyNotImportable(file);
  if (unusable) {
    await post({ text: unusable });
    return;
  }
  const workspace = await findWorkspace(deps.db, request.teamId);
  if (!workspace || running.has(request.teamId)) {
    await post({
      text: workspace
        ? "Another import is running for this workspace. Share the file again when it has finished (its summary will appear in its thread)."
        : "Cadence does not know this workspace yet. Open Cadence's Home tab once, then try again.",
    });
    return;
  }

  running.add(request.teamId);
  try {
    await importFile(client, deps, request, file, workspace.timezone, post);
  } finally {
    running.delete(request.teamId);
  }
}

async function importFile(
  client: WebClient,
  deps: AppDeps,
  request: SharedFileImport,
  file: SlackFile,
  timezone: string,
  post: (message: { text: string }) => Promise<{ ts?: string; channel?: string }>,
): Promise<void> {
  const progress = await post({ text: importStartedText(file.name) });
  const channel = progress.channel ?? request.place.channel;
  const threadTs = request.place.threadTs ?? progress.ts;
  const edit = (message: { text: string; blocks?: KnownBlock[] }) =>
    client.chat.update({ channel, ts: progress.ts!, ...message });
  try {
    let lastEdit = Date.now();
    const summary = await withDownloadedFile(
      file,
      deps.config.slack.botToken,
      MAX_UPLOAD_BYTES,
      (path) => {
        const source = csvFile(path);
        return importLeads(deps.database, source, {
          slackTeamId: request.teamId,
          timezone,
          skipInvalid: request.skipInvalid,
          onProgress: (_phase, rows, share) => {
            if (Date.now() - lastEdit < PROGRESS_EVERY_MS) return;
            lastEdit = Date.now();
            edit({ text: importProgressText(file.name, rows, share) }).catch((error: unknown) =>
              deps.logger.warn({ err: error }, "import progress update failed"),
            );
          },
        });
      },
    );
    const blocks = importSummaryBlocks(summary, file.name, request);
    await edit({ text: fallbackText(blocks), blocks });
    if (summary.problems.length > SHOWN_PROBLEMS) {
      await client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs ?? "",
        filename: `${file.name.replace(/\.csv$/i, "")}.errors.csv`,
        title: `Invalid rows in ${file.name}`,
        content: problemsCsv(summary.problems),
        initial_comment: `All ${summary.problems.length.toLocaleString("en-US")} problems, with line, column, value and what is wrong.`,
      });
    }
    deps.logger.info(
      { teamId: request.teamId, rows: summary.rowsRead, written: summary.written },
      "leads imported from Slack",
    );
  } catch (error) {
    const reference = Math.random().toString(36).slice(2, 8);
    deps.logger.error({ err: error, reference }, "import from Slack failed");
    const reason =
      error instanceof FileDownloadError
        ? error.message
        : `Something went wrong on our side (reference ${reference}).`;
    await edit({ text: `:x: Import of *${file.name}* failed. ${reason} Nothing was written.` });
  }
}
