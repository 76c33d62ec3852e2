// Importing lead records: validate everything first, then write. By default all-or-nothing: one
// invalid row and nothing is written. Writes are upserts by (workspace, CRM id) inside one
// transaction, in batches; a record whose content hash is unchanged is not written at all.
import { inLeadTransaction, type LeadDatabase } from "./bulk-writer.js";
import type { RowSource } from "./csv.js";
import { parseInPlace, parseInWorker } from "./parsed-rows.js";
import { missingColumns, unknownColumns, type LeadRecord, type RowProblem } from "./rules.js";

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
/** Records checked per write: the bulk writer splits them into statements as the database allows. */
const BATCH = 2_000;

export interface ImportOptions {
  slackTeamId: string;
  /** Stamped on written rows (createdAt, updatedAt). */
  now?: Date;
  timezone: string;
  skipInvalid: boolean;
  /** Every 10,000 rows: how many, and the share of the source read (0 to 1). */
  onProgress?: (phase: "checking" | "writing", rows: number, share: number) => void;
}

export async function importLeads(
  database: LeadDatabase,
  source: RowSource,
  options: ImportOptions,
): Promise<ImportSummary> {
  const header = await source.header();
  const summary: ImportSummary = {
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    invalid: 0,
    unknownColumns: unknownColumns(header),
    problems: [],
    written: false,
  };
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
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  const report = (problems: RowProblem[]) => {
    summary.invalid += 1;
    for (const problem of problems)
      if (summary.problems.length < MAX_PROBLEMS) summary.problems.push(problem);
  };
  // After the first invalid row an all-or-nothing import only checks the rest.
  const writing = () => summary.invalid === 0 || options.skipInvalid;

  // One pass inside one transaction: rows are checked and written as they stream by; with an
  // invalid row and no --skip-invalid, the transaction is rolled back and nothing is kept.
  try {
    await inLeadTransaction(database, options.slackTeamId, async (writer) => {
      // The ids seen in this batch; those of earlier batches are tracked by the database, so
      // memory stays flat however long the file is.
      let batch = new Map<string, { record: LeadRecord; line: number; contentHash: string }>();
      // One batch is written while the next is read and checked: on PostgreSQL the server works
      // on one core while this process parses on the other.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async () => {
        const rows = [...batch.values()];
        batch = new Map();
        await inFlight;
        inFlight = (async () => {
          const seenBefore = await writer.markSeen(
            rows.map(({ record, line }) => ({ crmId: record.crmId, line })),
          );
          const fresh = rows.filter(({ record, line }) => {
            const first = seenBefore.get(record.crmId);
            if (first !== undefined) report([duplicate(record.crmId, line, first)]);
            return first === undefined;
          });
          if (!writing()) return;
          const written = await writer.upsert(fresh, now);
          counts.inserted += written.inserted;
          counts.updated += written.updated;
          counts.unchanged += written.unchanged;
        })();
        // Handled by the next flush's `await inFlight`; this keeps Node from calling it unhandled.
        inFlight.catch(() => undefined);
      };
      const parsed = source.path
        ? parseInWorker(source.path, options.timezone)
        : parseInPlace(source, options.timezone);
      for await (const { rows, read, total } of parsed) {
        for (const row of rows) {
          summary.rowsRead += 1;
          if ("problems" in row) report(row.problems);
          else {
            const first = batch.get(row.record.crmId);
            if (first) report([duplicate(row.record.crmId, row.line, first.line)]);
            else batch.set(row.record.crmId, row);
          }
          if (batch.size >= BATCH) await flush();
          if (summary.rowsRead % 10_000 === 0)
            options.onProgress?.(
              writing() ? "writing" : "checking",
              summary.rowsRead,
              total ? read / total : 0,
            );
        }
      }
      if (batch.size) await flush();
      await inFlight;
      if (!writing()) throw new RollBack();
    });
  } catch (error) {
    if (error instanceof RollBack) return sorted(summary);
    throw error;
  }
  Object.assign(summary, counts, { written: true });
  return sorted(summary);
}

/** Problems in file order: duplicates are found a batch late. */
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

/** Thrown inside the import transaction to undo it when rows were invalid. */
class RollBack extends Error {}
