// Staging and merging on PostgreSQL: the records stream into a session's TEMP table with COPY
// (the fastest way in), then INSERT … SELECT … ON CONFLICT moves them into Lead in chunks, each
// its own transaction, so a lead's row lock lasts one chunk rather than the whole import.
//
// Two sessions share the work, each staging and merging the records whose id hashes to it: the
// server runs each session on its own core (one session kept one core busy and left the other
// idle while the import waited). A chunk is the same range of lines in both sessions, merged at
// once: between chunks nothing of the import is in flight, as with one session.
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { from as copyFrom, type CopyStreamQuery } from "pg-copy-streams";
import {
  FIRST_CHUNK_ROWS,
  LEAD_COLUMN_LIST,
  MergeInterrupted,
  nextChunkRows,
  POSTGRES_SESSIONS,
  RECORD_COLUMNS,
  STAGED_COLUMN_LIST,
  UPDATE_SET,
  quote,
  type Kind,
  type LeadStage,
  type UpsertCounts,
} from "./bulk-writer.js";

const PG_TYPE: Record<Kind, string> = {
  text: "text",
  timestamp: "timestamp(3)",
  numeric: "numeric",
  boolean: "boolean",
};

export async function withPostgresStage<T>(
  url: string,
  slackTeamId: string,
  work: (stage: LeadStage) => Promise<T>,
): Promise<T> {
  const clients = Array.from(
    { length: POSTGRES_SESSIONS },
    () => new pg.Client({ connectionString: url }),
  );
  const opened = await Promise.allSettled(
    clients.map(async (client) => {
      await client.connect();
      await openSession(client);
    }),
  );
  try {
    const failure = opened.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    return await work(postgresStage(clients, slackTeamId));
  } finally {
    // A session that never connected has nothing to end.
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

async function openSession(client: pg.Client): Promise<void> {
  // Room for a large staging table in memory; it must be set before the session's first one.
  await client.query("SET temp_buffers = '128MB'");
  // A chunk's commit does not wait for its WAL to reach the disk: the merge's last chunk commits
  // synchronously (mergeStaged), which flushes everything written before it. A server crash
  // before then loses chunks of an import that has not reported success; a rerun writes them.
  await client.query("SET synchronous_commit = off");
  await client.query(
    `CREATE TEMP TABLE "importStage" ("line" int NOT NULL, ${RECORD_COLUMNS.map((c) => `${quote(c.name)} ${PG_TYPE[c.kind]}`).join(", ")})`,
  );
}

/** One session's COPY into its staging table, opened at the first rows. */
function sessionCopy(client: pg.Client) {
  let copy: CopyStreamQuery | null = null;
  let failed: Error | undefined;
  return {
    async write(text: string) {
      if (failed !== undefined) throw failed;
      if (!copy) {
        copy = client.query(copyFrom(`COPY "importStage" FROM STDIN`));
        copy.on("error", (error: Error) => (failed = error));
      }
      if (!copy.write(text)) await Promise.race([once(copy, "drain"), once(copy, "error")]);
      if ((failed as Error | undefined) !== undefined) throw failed as unknown as Error;
    },
    // No ANALYZE after the COPY: it took 0.2-0.4 s at 200k rows, and the plans do not need it
    // (the index on line, built after, gives the planner the table's size, and a range of lines
    // is estimated small enough for that index either way).
    async finish() {
      if (!copy) return;
      const done = once(copy, "finish");
      copy.end();
      await done;
      copy = null;
    },
  };
}

function postgresStage(clients: pg.Client[], slackTeamId: string): LeadStage {
  const copies = clients.map(sessionCopy);
  return {
    async add(rows) {
      const texts = clients.map(() => "");
      for (const [session, text] of rows as Array<[number, string]>) texts[session] += text;
      await Promise.all(
        texts.map((text, session) => (text ? copies[session]!.write(text) : Promise.resolve())),
      );
    },
    async takeRepeats() {
      const found = await Promise.all(
        clients.map(async (client, session) => {
          await copies[session]!.finish();
          const repeats = await client.query<{ crmId: string; line: number; firstLine: number }>(
            `DELETE FROM "importStage" s USING
               (SELECT "crmId", min("line") AS "firstLine" FROM "importStage" GROUP BY "crmId" HAVING count(*) > 1) f
             WHERE s."crmId" = f."crmId" AND s."line" > f."firstLine"
             RETURNING s."crmId", s."line", f."firstLine"`,
          );
          await client.query(`CREATE INDEX ON "importStage" ("line")`);
          return repeats.rows;
        }),
      );
      return found.flat();
    },
    merge: (now, options = {}) => mergeStaged(clients, slackTeamId, now, options),
  };
}

async function mergeStaged(
  clients: pg.Client[],
  slackTeamId: string,
  now: Date,
  options: Parameters<LeadStage["merge"]>[1] = {},
): Promise<UpsertCounts> {
  const bounds = await Promise.all(
    clients.map(async (client) => {
      const { rows } = await client.query<{ total: number; first: number; last: number }>(
        `SELECT count(*)::int AS total, coalesce(min("line"), 1) AS first, coalesce(max("line"), 0) AS last
         FROM "importStage"`,
      );
      return rows[0]!;
    }),
  );
  const total = bounds.reduce((sum, b) => sum + b.total, 0);
  const first = Math.min(...bounds.map((b) => b.first));
  const last = Math.max(...bounds.map((b) => b.last));
  // Chunks are ranges of lines (file order); unchanged rows are skipped by the WHERE and not
  // returned; xmax = 0 marks a fresh insert.
  const upsert = `WITH chunk AS (SELECT * FROM "importStage" WHERE "line" > $2 AND "line" <= $3),
    written AS (
      INSERT INTO "Lead" (${LEAD_COLUMN_LIST}) SELECT $1, ${STAGED_COLUMN_LIST}, $4::timestamp(3), $4::timestamp(3) FROM chunk s
      ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${UPDATE_SET}
      WHERE "Lead"."contentHash" IS DISTINCT FROM excluded."contentHash"
      RETURNING (xmax = 0) AS inserted)
    SELECT (SELECT count(*) FROM chunk)::int AS rows,
           (count(*) FILTER (WHERE inserted))::int AS inserted, count(*)::int AS written FROM written`;
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let merged = 0;
  let line = first - 1;
  let size = options.chunkRows ?? FIRST_CHUNK_ROWS * 4;
  let chunks = 0;
  try {
    while (line < last) {
      const started = performance.now();
      const to = Math.min(last, line + size);
      // The last chunk's commits wait for the disk, and with them everything committed before.
      if (to === last)
        await Promise.all(clients.map((client) => client.query("SET synchronous_commit = on")));
      const results = await Promise.allSettled(
        clients.map((client) =>
          // Named: each session parses and plans the statement once, not once per chunk.
          client.query<{ rows: number; inserted: number; written: number }>({
            name: "importMerge",
            text: upsert,
            values: [slackTeamId, line, to, now.toISOString()],
          }),
        ),
      );
      for (const result of results) {
        if (result.status === "rejected") continue;
        const { rows, inserted, written } = result.value.rows[0]!;
        counts.inserted += inserted;
        counts.updated += written - inserted;
        counts.unchanged += rows - written;
        merged += rows;
      }
      const failure = results.find((result) => result.status === "rejected");
      if (failure) throw failure.reason;
      line = to;
      chunks += 1;
      const elapsed = performance.now() - started;
      if (!options.chunkRows) size = nextChunkRows(size, elapsed * 0.5);
      await options.afterChunk?.({ merged, total, chunks });
      if (line < last) await sleep(0);
    }
  } catch (error) {
    throw new MergeInterrupted(counts, total, error);
  }
  return counts;
}
