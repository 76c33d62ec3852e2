// Importing lead records: validate everything first, then write. By default all-or-nothing: one
// invalid row and nothing is written. Writes are upserts by (workspace, CRM id) inside one
// transaction, in batches; a record whose content hash is unchanged is not written at all.
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { existingHashes, writeLeads } from "./bulk-writer.js";
import {
  leadContentHash,
  leadInputSchema,
  missingColumns,
  parseLead,
  unknownColumns,
  type LeadRecord,
  type RowProblem,
} from "./rules.js";
import type { RowSource } from "./csv.js";

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
  provider: DatabaseProvider;
  slackTeamId: string;
  /** Stamped on written rows (createdAt, updatedAt). */
  now?: Date;
  timezone: string;
  skipInvalid: boolean;
  onProgress?: (phase: "checking" | "writing", rows: number) => void;
}

export async function importLeads(
  db: Db,
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
  const schema = leadInputSchema(options.timezone);

  // One pass inside one transaction: rows are checked and written as they stream by; with an
  // invalid row and no --skip-invalid, the transaction is rolled back and nothing is kept.
  const firstLineOf = new Map<string, number>();
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  try {
    await db.$transaction(
      async (tx) => {
        let batch: LeadRecord[] = [];
        const flush = async () => {
          const written = await upsertBatch(
            tx as unknown as Db,
            options.provider,
            options.slackTeamId,
            batch,
            options.now ?? new Date(),
          );
          counts.inserted += written.inserted;
          counts.updated += written.updated;
          counts.unchanged += written.unchanged;
          batch = [];
        };
        for await (const { line, raw } of source.rows()) {
          summary.rowsRead += 1;
          const parsed = parseLead(schema, raw, line);
          let problems = parsed.ok ? [] : parsed.problems;
          if (parsed.ok) {
            const seen = firstLineOf.get(parsed.record.crmId);
            if (seen !== undefined) {
              problems = [
                {
                  line,
                  column: "id",
                  value: parsed.record.crmId,
                  problem: `appears again (first on line ${seen})`,
                },
              ];
            } else {
              firstLineOf.set(parsed.record.crmId, line);
              // After the first invalid row an all-or-nothing import only checks the rest.
              if (summary.invalid === 0 || options.skipInvalid) batch.push(parsed.record);
            }
          }
          if (problems.length) {
            summary.invalid += 1;
            for (const problem of problems)
              if (summary.problems.length < MAX_PROBLEMS) summary.problems.push(problem);
          }
          if (batch.length >= BATCH) await flush();
          if (summary.rowsRead % 10_000 === 0)
            options.onProgress?.(
              summary.invalid && !options.skipInvalid ? "checking" : "writing",
              summary.rowsRead,
            );
        }
        if (summary.invalid > 0 && !options.skipInvalid) throw new RollBack();
        if (batch.length) await flush();
      },
      { timeout: 60 * 60_000, maxWait: 60_000 },
    );
  } catch (error) {
    if (error instanceof RollBack) return summary;
    throw error;
  }
  Object.assign(summary, counts, { written: true });
  return summary;
}

/** Thrown inside the import transaction to undo it when rows were invalid. */
class RollBack extends Error {}

async function upsertBatch(
  db: Db,
  provider: DatabaseProvider,
  slackTeamId: string,
  records: LeadRecord[],
  now: Date,
) {
  const hashed = records.map((record) => ({ record, contentHash: leadContentHash(record) }));
  const existing = await existingHashes(
    db,
    provider,
    slackTeamId,
    records.map((r) => r.crmId),
  );
  const toWrite = hashed.filter(
    ({ record, contentHash }) => existing.get(record.crmId) !== contentHash,
  );
  await writeLeads(db, provider, slackTeamId, toWrite, now);
  const inserted = toWrite.filter(({ record }) => !existing.has(record.crmId)).length;
  return {
    inserted,
    updated: toWrite.length - inserted,
    unchanged: records.length - toWrite.length,
  };
}
