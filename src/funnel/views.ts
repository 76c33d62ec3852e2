// What an import from Slack looks like: the modal behind `/cadence import`, the progress line and
// the summary posted in the thread. Pure: summaries in, Block Kit out.
import type { KnownBlock, View } from "@slack/types";
import { context, section } from "../slack/blocks.js";
import { escapeInline, inlineCode } from "../slack/mrkdwn.js";
import type { ImportSummary } from "./import.js";
import { LEAD_COLUMNS } from "./rules.js";

export const LEAD_IMPORT_VIEW = "lead_import";
export const IMPORT_FILE_BLOCK = "file";
export const IMPORT_OPTIONS_BLOCK = "options";
export const SKIP_INVALID = "skip_invalid";
/** Problems listed in the message; past this many, all of them come as a CSV file. */
export const SHOWN_PROBLEMS = 10;

const COLUMNS_HINT = `Columns (any order; \`id\` and \`mql_at\` are required): ${LEAD_COLUMNS.map((c) => `\`${c}\``).join(", ")}.`;

export function leadImportModal(): View {
  return {
    type: "modal",
    callback_id: LEAD_IMPORT_VIEW,
    title: { type: "plain_text", text: "Import leads" },
    submit: { type: "plain_text", text: "Import" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        "Upload your CRM's lead export as CSV. Re-importing is safe: a lead is matched by its `id`, changed rows are updated and unchanged ones left alone.",
      ),
      {
        type: "input",
        block_id: IMPORT_FILE_BLOCK,
        label: { type: "plain_text", text: "CSV file" },
        element: { type: "file_input", action_id: "file", filetypes: ["csv"], max_files: 1 },
      },
      {
        type: "input",
        block_id: IMPORT_OPTIONS_BLOCK,
        optional: true,
        label: { type: "plain_text", text: "Invalid rows" },
        element: {
          type: "checkboxes",
          action_id: SKIP_INVALID,
          options: [
            {
              text: { type: "plain_text", text: "Write the valid rows even if some are invalid" },
              description: {
                type: "plain_text",
                text: "Otherwise one invalid row and nothing is written.",
              },
              value: SKIP_INVALID,
            },
          ],
        },
      },
      context(COLUMNS_HINT),
    ],
  };
}

/** Values from the file (its name, header, cells) are escaped: a CSV is not ours. */
const VALUE_CHARS = 120;
const fileText = (fileName: string) => `*${escapeInline(fileName, VALUE_CHARS)}*`;

export const importStartedText = (fileName: string) => `Importing ${fileText(fileName)}…`;

export function importProgressText(fileName: string, rows: number, share: number): string {
  return `Importing ${fileText(fileName)}… ${Math.round(share * 100)}% (${rows.toLocaleString("en-US")} rows checked)`;
}

export function importSummaryBlocks(
  summary: ImportSummary,
  fileName: string,
  how: { skipInvalid: boolean; retryHint: string },
): KnownBlock[] {
  const n = (value: number) => value.toLocaleString("en-US");
  const counts = `Rows read: *${n(summary.rowsRead)}* · inserted *${n(summary.inserted)}* · updated *${n(summary.updated)}* · unchanged *${n(summary.unchanged)}* · invalid *${n(summary.invalid)}*`;
  const blocks: KnownBlock[] = [
    section(
      summary.written
        ? `:white_check_mark: Imported ${fileText(fileName)}.\n${counts}`
        : `:x: Nothing was written from ${fileText(fileName)}: ${n(summary.invalid)} invalid row${summary.invalid === 1 ? "" : "s"}.\n${counts}`,
    ),
  ];
  if (summary.problems.length) {
    const lines = summary.problems
      .slice(0, SHOWN_PROBLEMS)
      .map(
        (p) =>
          `• line ${p.line}, ${inlineCode(p.column)} ${p.value ? `"${escapeInline(p.value, VALUE_CHARS)}"` : "(empty)"}: ${escapeInline(p.problem)}`,
      );
    if (summary.problems.length > SHOWN_PROBLEMS)
      lines.push(
        `…and ${n(summary.problems.length - SHOWN_PROBLEMS)} more: every one is in the file below.`,
      );
    blocks.push(section(lines.join("\n")));
  }
  const notes: string[] = [];
  if (summary.unknownColumns.length)
    notes.push(
      `Ignored unknown columns: ${summary.unknownColumns.map((c) => inlineCode(c)).join(", ")}.`,
    );
  if (!summary.written && summary.rowsRead > summary.invalid)
    notes.push(`Fix the rows and import again, or ${how.retryHint} to write the valid rows.`);
  if (summary.written && how.skipInvalid && summary.invalid)
    notes.push("The invalid rows were skipped; the rest were written.");
  if (notes.length) blocks.push(context(...notes));
  return blocks;
}
