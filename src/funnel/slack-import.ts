// Importing a CSV shared in Slack, as a use case: check who asks and what the file is, download it,
// import it with a progress line, and replace that line with the summary (or what went wrong).
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { isCadenceAdmin } from "../cadences/rules.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { refuse, type Refusal } from "../refusals.js";
import type { Actor } from "../slack/actor.js";
import { newReference } from "../slack/answered.js";
import { fallbackText } from "../slack/blocks.js";
import {
  FileDownloadError,
  SlackFileSchema,
  withDownloadedFile,
  type SlackFile,
} from "../slack/files.js";
import { escapeInline, escapeMrkdwn } from "../slack/mrkdwn.js";
import { findWorkspace } from "../workspaces/store.js";
import { MergeInterrupted, type LeadDatabase } from "./bulk-writer.js";
import { csvFile } from "./csv.js";
import { importLeads } from "./import.js";
import { problemsCsv } from "./report.js";
import { MAX_UPLOAD_BYTES, whyNotImportable } from "./rules.js";
import {
  SHOWN_PROBLEMS,
  importProgressText,
  importStartedText,
  importSummaryBlocks,
} from "./views.js";

/** How often the progress line is edited while an import runs. */
const PROGRESS_EVERY_MS = 2_000;

export interface SlackImportDeps {
  db: Db;
  database: LeadDatabase;
  slack: WebClient;
  logger: Logger;
  botToken: string;
  adminUserIds: readonly string[];
  download?: { maxBytes?: number; timeoutMs?: number };
}

/** Where the summary goes: a DM channel, and the message to thread under (if any). */
export interface ReplyPlace {
  channel: string;
  threadTs?: string;
}

export interface SharedFileImport {
  teamId: string;
  fileId: string;
  skipInvalid: boolean;
  place: ReplyPlace;
  retryHint: string;
}

type Post = (message: {
  text: string;
  blocks?: KnownBlock[];
}) => Promise<{ ts?: string; channel?: string }>;

/** Workspaces with an import running in this process: one at a time each. */
const running = new Set<string>();

/** Only admins import: lead data changes the numbers everyone sees. */
export function whyNotImporter(actor: Actor, adminUserIds: readonly string[]): Refusal | null {
  return isCadenceAdmin(actor, adminUserIds) ? null : refuse("not-importer");
}

export async function importSharedFile(
  deps: SlackImportDeps,
  actor: Actor,
  request: SharedFileImport,
): Promise<void> {
  const { place } = request;
  const post: Post = (message) =>
    deps.slack.chat.postMessage({ channel: place.channel, thread_ts: place.threadTs, ...message });

  const refusal = whyNotImporter(actor, deps.adminUserIds);
  if (refusal) {
    await post({ text: refusal.message });
    return;
  }
  const described = SlackFileSchema.safeParse(
    (await deps.slack.files.info({ file: request.fileId })).file,
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
    await post({ text: unusable.message });
    return;
  }
  const workspace = await findWorkspace(deps.db, request.teamId);
  if (!workspace || running.has(request.teamId)) {
    await post({
      text: workspace
        ? "Another import is running for this workspace. Share the file again when it has finished (its summary will appear in its thread)."
        : refuse("unknown-workspace").message,
    });
    return;
  }
  running.add(request.teamId);
  try {
    await importFile(deps, request, file, workspace.timezone, post);
  } finally {
    running.delete(request.teamId);
  }
}

async function importFile(
  deps: SlackImportDeps,
  request: SharedFileImport,
  file: SlackFile,
  timezone: string,
  post: Post,
): Promise<void> {
  const progress = await post({ text: importStartedText(file.name) });
  const channel = progress.channel ?? request.place.channel;
  const threadTs = request.place.threadTs ?? progress.ts;
  const edit = (message: { text: string; blocks?: KnownBlock[] }) =>
    deps.slack.chat.update({ channel, ts: progress.ts!, ...message });
  try {
    let lastEdit = Date.now();
    const limits = { maxBytes: MAX_UPLOAD_BYTES, ...deps.download };
    const summary = await withDownloadedFile(file, deps.botToken, limits, (path) =>
      importLeads(deps.database, csvFile(path), {
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
      }),
    );
    const blocks = importSummaryBlocks(summary, file.name, request);
    await edit({ text: fallbackText(blocks), blocks });
    if (summary.problems.length > SHOWN_PROBLEMS) {
      await deps.slack.filesUploadV2({
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
    const reference = newReference();
    deps.logger.error({ err: error, reference }, "import from Slack failed");
    const reason =
      error instanceof FileDownloadError
        ? error.message
        : `Something went wrong on our side (reference ${reference}).`;
    // A merge stopped part-way has written some rows: say how far, and that a rerun completes it.
    const stopped = error instanceof MergeInterrupted ? error : null;
    const outcome = stopped
      ? `It stopped after ${stopped.stored.toLocaleString("en-US")} of ${stopped.total.toLocaleString("en-US")} rows were written; share the same file again to complete it.`
      : "Nothing was written.";
    await edit({
      text: `:x: Import of *${escapeInline(file.name)}* failed. ${escapeMrkdwn(reason)} ${outcome}`,
    });
  }
}
