// Staging and merging on PostgreSQL: the records stream into a session's TEMP table with COPY
// (the fastest way in), then INSERT … SELECT … ON CONFLICT moves them into Lead in chunks, each
// its own transaction, so a lead's row lock lasts one chunk rather than the whole import.
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { from as copyFrom, type CopyStreamQuery } from "pg-copy-streams";
import {
  FIRST_CHUNK_ROWS,
  LEAD_COLUMN_LIST,
  MergeInterrupted,
  nextChunkRows,
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
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Room for a large staging table in memory; it must be set before the session's first one.
    await client.query("SET temp_buffers = '128MB'");
    await client.query(
      `CREATE TEMP TABLE "importStage" ("line" int NOT NULL, ${RECORD_COLUMNS.map((c) => `${quote(c.name)} ${PG_TYPE[c.kind]}`).join(", ")})`,
    );
    return await work(postgresStage(client, slackTeamId));
  } finally {
    await client.end();
  }
}

/** A value in COPY's text format: \N for null, backslash escapes for the separators. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text =
    typeof value === "boolean"
      ? value
        ? "t"
        : "f"
      : typeof value === "number"
        ? value.toString()
        : (value as string);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(
        /[\\\t\n\r]/g,
        (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
      )
    : text;
}

function postgresStage(client: pg.Client, slackTeamId: string): LeadStage {
  let copy: CopyStreamQuery | null = null;
  let failed: Error | undefined;
  const finishCopy = async () => {
    if (!copy) return;
    const done = once(copy, "finish");
    copy.end();
    await done;
    copy = null;
    await client.query(`ANALYZE "importStage"`);
  };
  return {
    async add(rows) {
      if (failed !== undefined) throw failed;
      if (!rows.length) return;
      if (!copy) {
        copy = client.query(copyFrom(`COPY "importStage" FROM STDIN`));
        copy.on("error", (error: Error) => (failed = error));
      }
      const text = rows.map((values) => values.map(copyText).join("\t") + "\n").join("");
      if (!copy.write(text)) await Promise.race([once(copy, "drain"), once(copy, "error")]);
      if ((failed as Error | undefined) !== undefined) throw failed as unknown as Error;
    },
    async takeRepeats() {
      await finishCopy();
      const repeats = await client.query<{ crmId: string; line: number; firstLine: number }>(
        `DELETE FROM "importStage" s USING
           (SELECT "crmId", min("line") AS "firstLine" FROM "importStage" GROUP BY "crmId" HAVING count(*) > 1) f
         WHERE s."crmId" = f."crmId" AND s."line" > f."firstLine"
         RETURNING s."crmId", s."line", f."firstLine"`,
      );
      await client.query(`CREATE INDEX ON "importStage" ("line")`);
      return repeats.rows;
    },
    merge: (now, options = {}) => mergeStaged(client, slackTeamId, now, options),
  };
}

async function mergeStaged(
  client: pg.Client,
  slackTeamId: string,
  now: Date,
  options: Parameters<LeadStage["merge"]>[1] = {},
): Promise<UpsertCounts> {
  const { rows: bounds } = await client.query<{ total: number; first: number; last: number }>(
    `SELECT count(*)::int AS total, coalesce(min("line"), 1) AS first, coalesce(max("line"), 0) AS last
     FROM "importStage"`,
  );
  const { total, first, last } = bounds[0]!;
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
      const result = await client.query<{ rows: number; inserted: number; written: number }>(
        upsert,
        [slackTeamId, line, to, now.toISOString()],
      );
      const { rows, inserted, written } = result.rows[0]!;
      counts.inserted += inserted;
      counts.updated += written - inserted;
      counts.unchanged += rows - written;
      merged += rows;
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
