// Importing lead records: check and stage everything first, then write. By default all-or-nothing:
// one invalid row and nothing is written. Writes are upserts by (workspace, CRM id), merged from
// the staging table in short transactions (src/funnel/bulk-writer.ts); a record whose content hash
// is unchanged is not written at all.
import type { LeadDatabase, LeadStage, MergeOptions } from "./bulk-writer.js";
import { NotUtf8Error, type RowSource } from "./csv.js";
import { withPostgresStage } from "./postgres-stage.js";
import { withSqliteStage } from "./sqlite-stage.js";
import { countLeadRows, type LeadRowSource } from "../metrics/registry.js";
import { watchWrittenLeads } from "../sla/arrivals.js";
import { parseInPlace, parseInWorkers } from "./parsed-rows.js";
import { missingColumns, unknownColumns, type RowProblem } from "./rules.js";

export interface ImportSummary {
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  invalid: number;
  unknownColumns: string[];
  /** The invalid rows' problems, the first MAX_PROBLEMS of them. */
  problems: RowProblem[];
  /** False when invalid rows stopped an all-or-nothing import (nothing was written). */
  written: boolean;
}

export const MAX_PROBLEMS = 10_000;

export interface ImportOptions {
  slackTeamId: string;
  /** Stamped on written rows (createdAt, updatedAt). */
  now?: Date;
  timezone: string;
  skipInvalid: boolean;
  /** Every 10,000 rows checked, then after each merged chunk: how many, and the share done (0 to 1). */
  onProgress?: (phase: "checking" | "writing", rows: number, share: number) => void;
  /** The merge's chunk size and a hook between chunks (tests). */
  merge?: MergeOptions;
  /** What the written rows count as in /metrics (default "import"). */
  countedAs?: LeadRowSource;
}

export async function importLeads(
  database: LeadDatabase,
  source: RowSource,
  options: ImportOptions,
): Promise<ImportSummary> {
  let header: string[];
  try {
    header = await source.header();
  } catch (error) {
    if (error instanceof NotUtf8Error) return notUtf8(emptySummary([]), error.line);
    throw error;
  }
  const summary = emptySummary(unknownColumns(header));
  // An empty source (no header, no records) is simply nothing to import.
  const missing = header.length ? missingColumns(header) : [];
  if (missing.length) {
    summary.problems = missing.map((column) => ({
      line: 1,
      column,
      value: "",
      problem: "column is missing from the header",
    }));
    summary.invalid = 1;
    return summary;
  }
  const now = options.now ?? new Date();
  const report = (problems: RowProblem[]) => {
    summary.invalid += 1;
    for (const problem of problems)
      if (summary.problems.length < MAX_PROBLEMS) summary.problems.push(problem);
  };
  const progress = (phase: "checking" | "writing", rows: number, share: number) =>
    options.onProgress?.(phase, rows, phase === "checking" ? share / 2 : 0.5 + share / 2);

  try {
    return await withLeadStage(database, options.slackTeamId, async (stage) => {
      // Check and stage the whole file first: nothing is written to Lead before every row is known.
      const parsed = source.path
        ? parseInWorkers(source.path, options.timezone, database.provider)
        : parseInPlace(source, options.timezone, database.provider);
      for await (const { rows, read, total } of parsed) {
        const valid: unknown[][] = [];
        for (const row of rows) {
          summary.rowsRead += 1;
          if ("problems" in row) report(row.problems);
          else valid.push(row.values);
          if (summary.rowsRead % 10_000 === 0)
            progress("checking", summary.rowsRead, total ? read / total : 0);
        }
        await stage.add(valid);
      }
      for (const { crmId, line, firstLine } of await stage.takeRepeats())
        report([duplicate(crmId, line, firstLine)]);
      if (summary.invalid > 0 && !options.skipInvalid) return sorted(summary);

      const counts = await stage.merge(now, {
        chunkRows: options.merge?.chunkRows,
        afterChunk: async (merged) => {
          progress("writing", merged.merged, merged.total ? merged.merged / merged.total : 1);
          await options.merge?.afterChunk?.(merged);
        },
      });
      // The speed-to-lead watch follows every write, whatever its source (src/sla/arrivals.ts).
      if (database.db) await watchWrittenLeads(database.db, options.slackTeamId, now);
      countLeadRows(
        options.countedAs ?? "import",
        Object.assign(summary, counts, { written: true }),
      );
      return sorted(summary);
    });
  } catch (error) {
    if (error instanceof NotUtf8Error) return sorted(notUtf8(summary, error.line));
    throw error;
  }
}

/** The whole file is refused: its bytes are not UTF-8 (an export saved as Latin-1 or Windows-1252). */
function notUtf8(summary: ImportSummary, line: number): ImportSummary {
  return Object.assign(summary, {
    invalid: summary.invalid + 1,
    problems: [{ line, column: "(file)", value: "", problem: NOT_UTF8_PROBLEM }],
    written: false,
  });
}

export const NOT_UTF8_PROBLEM =
  "is not UTF-8 text (the file was probably saved as Latin-1 or Windows-1252): re-save it as UTF-8 (in Excel: Save As > CSV UTF-8) and import it again";

/** Stages and merges through the database's own driver. */
function withLeadStage<T>(
  database: LeadDatabase,
  slackTeamId: string,
  work: (stage: LeadStage) => Promise<T>,
): Promise<T> {
  return database.provider === "sqlite"
    ? withSqliteStage(database, slackTeamId, work)
    : withPostgresStage(database.url, slackTeamId, work);
}

/** Problems in file order: repeated ids are found after the whole file is staged. */
function sorted(summary: ImportSummary): ImportSummary {
  summary.problems.sort((a, b) => a.line - b.line);
  return summary;
}

const duplicate = (crmId: string, line: number, firstLine: number): RowProblem => ({
  line,
  column: "id",
  value: crmId,
  problem: `appears again (first on line ${firstLine})`,
});

function emptySummary(unknown: string[]): ImportSummary {
  return {
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    invalid: 0,
    unknownColumns: unknown,
    problems: [],
    written: false,
  };
}
