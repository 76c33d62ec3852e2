// Staging and merging on SQLite. The staging table is a TEMP table: it lives in the connection's
// own temporary database, so filling it takes no lock on the main file. The merge then writes the
// leads in transactions of about MERGE_TARGET_MS each, in mql_at order (the timestamp indexes then
// grow at a few pages per chunk instead of all over), and pauses between them so that a connection
// waiting in SQLite's busy handler gets the lock.
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { sqliteFilePath } from "../db/provider.js";
import {
  FIRST_CHUNK_ROWS,
  LEAD_COLUMN_LIST,
  MergeInterrupted,
  nextChunkRows,
  RECORD_COLUMNS,
  sqliteStamp,
  STAGED_COLUMN_LIST,
  UPDATE_SET,
  quote,
  type LeadDatabase,
  type LeadStage,
  type UpsertCounts,
} from "./bulk-writer.js";

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** The pause after each merge chunk, as a share of the chunk's time (and at least 2 ms). */
const PAUSE_SHARE = 0.1;

export async function withSqliteStage<T>(
  database: LeadDatabase,
  slackTeamId: string,
  work: (stage: LeadStage) => Promise<T>,
): Promise<T> {
  const file = sqliteFilePath(database.url);
  if (file === ":memory:")
    throw new Error("Bulk import needs a SQLite file: DATABASE_URL=file::memory: is not shared.");
  const connection = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    connection.pragma("synchronous = NORMAL");
    // A million staged rows would hold ~400 MB in memory: the temporary database goes to a file.
    connection.pragma("temp_store = FILE");
    // 16 MB page caches: 64 MB each doubled the import's peak memory for a few % of speed.
    connection.pragma("main.cache_size = -16384");
    connection.pragma("temp.cache_size = -16384");
    for (const pragma of database.sqlitePragmas ?? []) connection.pragma(pragma);
    connection.exec(
      `CREATE TEMP TABLE "importStage" ("line" INTEGER PRIMARY KEY, ${RECORD_COLUMNS.map((c) => quote(c.name)).join(", ")});
       CREATE INDEX temp."importStage_crmId" ON "importStage" ("crmId");`,
    );
    return await work(sqliteStage(connection, slackTeamId));
  } finally {
    connection.close();
  }
}

/** Staged rows per INSERT: one statement per row spent a sixth of the staging time binding and
 * stepping statements (the staging runs on the thread that also receives the parsed batches). */
const STAGE_ROWS_PER_INSERT = 25;

/** An INSERT of `rows` rows into the staging table. */
function stageInsert(connection: BetterSqlite3.Database, rows: number): BetterSqlite3.Statement {
  const row = `(${Array.from({ length: RECORD_COLUMNS.length + 1 }, () => "?").join(", ")})`;
  return connection.prepare(
    `INSERT INTO "importStage" VALUES ${Array.from({ length: rows }, () => row).join(", ")}`,
  );
}

function sqliteStage(connection: BetterSqlite3.Database, slackTeamId: string): LeadStage {
  const stage = stageInsert(connection, 1);
  const stageMany = stageInsert(connection, STAGE_ROWS_PER_INSERT);
  const repeats = `SELECT s."crmId", s."line", f."firstLine" FROM
      (SELECT "crmId", min("line") AS "firstLine" FROM "importStage" GROUP BY "crmId" HAVING count(*) > 1) f
      JOIN "importStage" s ON s."crmId" = f."crmId" AND s."line" > f."firstLine"`;
  const stageRows = connection.transaction((rows: unknown[][]) => {
    let at = 0;
    for (; at + STAGE_ROWS_PER_INSERT <= rows.length; at += STAGE_ROWS_PER_INSERT)
      stageMany.run(rows.slice(at, at + STAGE_ROWS_PER_INSERT).flat());
    for (; at < rows.length; at += 1) stage.run(rows[at]);
  });
  return {
    add(rows) {
      // A transaction on the temporary database only: the main file stays unlocked.
      stageRows(rows);
      return Promise.resolve();
    },
    takeRepeats() {
      const found = connection
        .prepare<[], { crmId: string; line: number; firstLine: number }>(repeats)
        .all();
      if (found.length)
        connection.exec(
          `DELETE FROM "importStage" WHERE "line" IN (SELECT "line" FROM (${repeats}))`,
        );
      return Promise.resolve(found);
    },
    merge: (now, options = {}) => mergeStaged(connection, slackTeamId, now, options),
  };
}

/**
 * Copies the chunk just committed from the WAL into the database file, as SQLite's automatic
 * checkpoint did after each commit (the chunks pass its 1,000 pages): run here, after the write
 * lock is released, it is timed apart from the lock. Passive: it never waits for, nor blocks,
 * the serving process's readers and writers.
 */
function checkpoint(connection: BetterSqlite3.Database): void {
  connection.pragma("main.wal_checkpoint(PASSIVE)");
}

async function mergeStaged(
  connection: BetterSqlite3.Database,
  slackTeamId: string,
  now: Date,
  options: Parameters<LeadStage["merge"]>[1] = {},
): Promise<UpsertCounts> {
  // The staged records copied in merge order: rowid n is the n-th by mql_at, so a chunk reads a
  // run of pages instead of looking each record up by line (a join cost ~15% of the merge).
  connection.exec(
    `CREATE TEMP TABLE "importOrder" AS SELECT * FROM "importStage" ORDER BY "mqlAt", "line"`,
  );
  const total = connection.prepare(`SELECT count(*) FROM "importOrder"`).pluck().get() as number;
  // A merge of more than one chunk checkpoints after each chunk itself (checkpoint), outside the
  // time it sizes chunks by. A small one (an ingest request, in the serving process) leaves it to
  // SQLite, which checkpoints only once the WAL passes 1,000 pages: a checkpoint after every small
  // write would sync the disk twice on the server's event loop each time.
  const ownCheckpoints = total > FIRST_CHUNK_ROWS;
  if (ownCheckpoints) connection.pragma("wal_autocheckpoint = 0");
  const staged = `"importOrder" s`;
  const inChunk = `s.rowid > @from AND s.rowid <= @to`;
  // Counted inside the chunk's transaction, without a second lookup per row: an upsert's changes
  // are its inserts plus its updates, and only an insert takes a rowid past the chunk's first max.
  const lastRowid = connection.prepare(`SELECT coalesce(max(rowid), 0) FROM main."Lead"`).pluck();
  const insertedSince = connection
    .prepare<[bigint | number], number>(`SELECT count(*) FROM main."Lead" WHERE rowid > ?`)
    .pluck();
  const upsert = connection.prepare(
    `INSERT INTO main."Lead" (${LEAD_COLUMN_LIST})
     SELECT @team, ${STAGED_COLUMN_LIST}, @stamp, @stamp FROM ${staged} WHERE ${inChunk}
     ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${UPDATE_SET}
     WHERE "Lead"."contentHash" IS NOT excluded."contentHash"`,
  );
  const stamp = sqliteStamp(now);
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let merged = 0;
  let rows = options.chunkRows ?? FIRST_CHUNK_ROWS;
  let chunks = 0;
  try {
    while (merged < total) {
      const started = performance.now();
      const range = { team: slackTeamId, from: merged, to: Math.min(total, merged + rows) };
      connection.exec("BEGIN IMMEDIATE");
      const locked = performance.now();
      let held: number;
      try {
        const before = lastRowid.get() as number;
        const { changes } = upsert.run({ ...range, stamp });
        const inserted = insertedSince.get(before)!;
        connection.exec("COMMIT");
        held = performance.now() - locked;
        counts.inserted += inserted;
        counts.updated += changes - inserted;
        counts.unchanged += range.to - range.from - changes;
      } catch (error) {
        if (connection.inTransaction) connection.exec("ROLLBACK");
        throw error;
      }
      if (ownCheckpoints) checkpoint(connection);
      const elapsed = performance.now() - started;
      merged = range.to;
      chunks += 1;
      // Sized by the time the chunk held the lock, not counting the checkpoint: when the disk is
      // slow to sync, chunks sized by the whole step shrank, and more chunks meant more syncs.
      if (!options.chunkRows) rows = nextChunkRows(rows, held);
      await options.afterChunk?.({ merged, total, chunks });
      if (merged < total) await sleep(Math.max(2, elapsed * PAUSE_SHARE));
    }
  } catch (error) {
    throw new MergeInterrupted(counts, total, error);
  }
  return counts;
}
