// The import's hot path: lead upserts straight through the database driver, in one transaction on
// a connection of its own. Prisma costs about 40% of the import's time in query compilation alone
// and its WebAssembly heap grows with statement size (measured with the import bench), so bulk
// writes skip it. Values are written in Prisma's own storage formats, so Prisma reads them back
// unchanged: on SQLite, DateTime as text "YYYY-MM-DDTHH:MM:SS.mmm+00:00" and Boolean as 0/1; on
// PostgreSQL, timestamp(3) holding UTC.
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "../db/provider.js";
import { sqliteFilePath } from "../db/provider.js";
import type { LeadRecord } from "./rules.js";

type Kind = "text" | "timestamp" | "numeric" | "boolean";

const COLUMNS: Array<{ name: string; kind: Kind }> = [
  { name: "slackTeamId", kind: "text" },
  { name: "crmId", kind: "text" },
  { name: "mqlAt", kind: "timestamp" },
  { name: "firstTouchAt", kind: "timestamp" },
  { name: "acceptedAt", kind: "timestamp" },
  { name: "rejectedAt", kind: "timestamp" },
  { name: "rejectionReason", kind: "text" },
  { name: "opportunityAt", kind: "timestamp" },
  { name: "closedWonAt", kind: "timestamp" },
  { name: "closedLostAt", kind: "timestamp" },
  { name: "amount", kind: "numeric" },
  { name: "owner", kind: "text" },
  { name: "team", kind: "text" },
  { name: "source", kind: "text" },
  { name: "sourcedBy", kind: "text" },
  { name: "influenced", kind: "boolean" },
  { name: "industry", kind: "text" },
  { name: "companySize", kind: "text" },
  { name: "country", kind: "text" },
  { name: "contentHash", kind: "text" },
  { name: "createdAt", kind: "timestamp" },
  { name: "updatedAt", kind: "timestamp" },
];

const quote = (name: string) => `"${name}"`;
const COLUMN_LIST = COLUMNS.map((c) => quote(c.name)).join(", ");
const UPDATE_SET = COLUMNS.filter((c) => !["slackTeamId", "crmId", "createdAt"].includes(c.name))
  .map((c) => `${quote(c.name)} = excluded.${quote(c.name)}`)
  .join(", ");

export interface HashedLead {
  record: LeadRecord;
  contentHash: string;
}

/** Reads and writes one workspace's leads inside an open transaction. */
export interface LeadWriter {
  /**
   * Records these CRM ids (unique within the call) as seen by this import, and returns the first
   * line of each that an earlier call already saw: a repeated id in one file.
   */
  markSeen(rows: Array<{ crmId: string; line: number }>): Promise<Map<string, number>>;
  /**
   * Inserts new leads and overwrites changed ones (createdAt kept); a lead whose stored content
   * hash is the same is left alone. Says how many of each.
   */
  upsert(leads: HashedLead[], now: Date): Promise<UpsertCounts>;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Where the leads go: the same database Prisma uses, reached through its driver. */
export interface LeadDatabase {
  url: string;
  provider: DatabaseProvider;
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws, so a
 * failed or refused import leaves the stored leads exactly as they were.
 */
export async function inLeadTransaction<T>(
  database: LeadDatabase,
  slackTeamId: string,
  work: (writer: LeadWriter) => Promise<T>,
): Promise<T> {
  return database.provider === "sqlite"
    ? inSqliteTransaction(database.url, slackTeamId, work)
    : inPostgresTransaction(database.url, slackTeamId, work);
}

/** Row values in COLUMNS order, each as the driver stores it for `provider` (the hot path). */
function rowValues(
  provider: DatabaseProvider,
  slackTeamId: string,
  { record: r, contentHash }: HashedLead,
  stamp: string,
): unknown[] {
  const time = provider === "sqlite" ? sqliteTime : postgresTime;
  return [
    slackTeamId,
    r.crmId,
    time(r.mqlAt),
    time(r.firstTouchAt),
    time(r.acceptedAt),
    time(r.rejectedAt),
    r.rejectionReason,
    time(r.opportunityAt),
    time(r.closedWonAt),
    time(r.closedLostAt),
    r.amount,
    r.owner,
    r.team,
    r.source,
    r.sourcedBy,
    provider === "sqlite" ? (r.influenced ? 1 : 0) : r.influenced,
    r.industry,
    r.companySize,
    r.country,
    contentHash,
    stamp,
    stamp,
  ];
}

const sqliteTimestamp = (value: Date) => `${value.toISOString().slice(0, -1)}+00:00`;
const sqliteTime = (value: Date | null) => value && sqliteTimestamp(value);
const postgresTime = (value: Date | null) => value && value.toISOString();

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

async function inSqliteTransaction<T>(
  url: string,
  slackTeamId: string,
  work: (writer: LeadWriter) => Promise<T>,
): Promise<T> {
  const file = sqliteFilePath(url);
  if (file === ":memory:")
    throw new Error("Bulk import needs a SQLite file: DATABASE_URL=file::memory: is not shared.");
  const connection = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    connection.pragma("synchronous = NORMAL");
    const select = connection.prepare<[string, string], { contentHash: string }>(
      `SELECT "contentHash" FROM "Lead" WHERE "slackTeamId" = ? AND "crmId" = ?`,
    );
    const insert = connection.prepare(
      `INSERT INTO "Lead" (${COLUMN_LIST}) VALUES (${COLUMNS.map(() => "?").join(", ")}) ` +
        `ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${UPDATE_SET}`,
    );
    // The ids this import has seen, on this connection only; dropped when it closes.
    connection.exec(
      `CREATE TEMP TABLE "importSeen" ("crmId" TEXT PRIMARY KEY, "line" INTEGER NOT NULL) WITHOUT ROWID`,
    );
    const see = connection.prepare<[string, number]>(
      `INSERT INTO "importSeen" ("crmId", "line") VALUES (?, ?) ON CONFLICT DO NOTHING`,
    );
    const firstLine = connection
      .prepare<[string], number>(`SELECT "line" FROM "importSeen" WHERE "crmId" = ?`)
      .pluck();
    const writer: LeadWriter = {
      markSeen(rows) {
        const seenBefore = new Map<string, number>();
        for (const { crmId, line } of rows)
          if (see.run(crmId, line).changes === 0) seenBefore.set(crmId, firstLine.get(crmId)!);
        return Promise.resolve(seenBefore);
      },
      upsert(leads, now) {
        const stamp = sqliteTimestamp(now);
        const counts = { inserted: 0, updated: 0, unchanged: 0 };
        for (const lead of leads) {
          const stored = select.get(slackTeamId, lead.record.crmId);
          if (stored?.contentHash === lead.contentHash) counts.unchanged += 1;
          else {
            insert.run(rowValues("sqlite", slackTeamId, lead, stamp));
            counts[stored ? "updated" : "inserted"] += 1;
          }
        }
        return Promise.resolve(counts);
      },
    };
    connection.exec("BEGIN IMMEDIATE");
    try {
      const result = await work(writer);
      connection.exec("COMMIT");
      return result;
    } catch (error) {
      if (connection.inTransaction) connection.exec("ROLLBACK");
      throw error;
    }
  } finally {
    connection.close();
  }
}

/** PostgreSQL array types for unnest(), so a whole batch is one statement with 22 parameters. */
const PG_ARRAY_TYPE: Record<Kind, string> = {
  text: "text[]",
  timestamp: "timestamp(3)[]",
  numeric: "numeric[]",
  boolean: "boolean[]",
};

async function inPostgresTransaction<T>(
  url: string,
  slackTeamId: string,
  work: (writer: LeadWriter) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const upsert =
    `INSERT INTO "Lead" (${COLUMN_LIST}) SELECT * FROM unnest(` +
    COLUMNS.map((c, i) => `$${i + 1}::${PG_ARRAY_TYPE[c.kind]}`).join(", ") +
    `) ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${UPDATE_SET} ` +
    `WHERE "Lead"."contentHash" IS DISTINCT FROM excluded."contentHash" ` +
    `RETURNING (xmax = 0) AS inserted`;
  const writer: LeadWriter = {
    async markSeen(rows) {
      // The statement's own insert is invisible to its SELECT, which therefore finds exactly the
      // ids that earlier batches recorded. A temporary table has no statistics, so the lookup is
      // a correlated subquery: a join would be planned as a scan of every id seen so far.
      const result = await client.query<{ crmId: string; line: number }>(
        `WITH input AS (SELECT * FROM unnest($1::text[], $2::int[]) AS t("crmId", "line")),
              recorded AS (INSERT INTO "importSeen" SELECT * FROM input ON CONFLICT DO NOTHING)
         SELECT * FROM (
           SELECT i."crmId", (SELECT s."line" FROM "importSeen" s WHERE s."crmId" = i."crmId") AS "line"
           FROM input i) AS found
         WHERE "line" IS NOT NULL`,
        [rows.map((row) => row.crmId), rows.map((row) => row.line)],
      );
      return new Map(result.rows.map((row) => [row.crmId, row.line]));
    },
    async upsert(leads, now) {
      if (!leads.length) return { inserted: 0, updated: 0, unchanged: 0 };
      const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(leads.length));
      const stamp = now.toISOString();
      leads.forEach((lead, row) => {
        rowValues("postgres", slackTeamId, lead, stamp).forEach((value, column) => {
          columns[column]![row] = value;
        });
      });
      // Unchanged rows are skipped by the WHERE and not returned; xmax = 0 marks a fresh insert.
      const result = await client.query<{ inserted: boolean }>(upsert, columns);
      const inserted = result.rows.filter((row) => row.inserted).length;
      return {
        inserted,
        updated: result.rows.length - inserted,
        unchanged: leads.length - result.rows.length,
      };
    },
  };
  try {
    // Room for the repeated-id table of a million-row import without spilling to disk; it must be
    // set before the session's first temporary table.
    await client.query("SET temp_buffers = '128MB'");
    await client.query("BEGIN");
    try {
      await client.query(
        `CREATE TEMP TABLE "importSeen" ("crmId" text PRIMARY KEY, "line" int NOT NULL) ON COMMIT DROP`,
      );
      const result = await work(writer);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}
