// The import's hot path: lead writes straight through the database driver, on a connection of
// their own. Prisma costs about 40% of the import's time in query compilation alone and its
// WebAssembly heap grows with statement size (measured with the import bench), so bulk writes skip
// it. Values are written in Prisma's own storage formats, so Prisma reads them back unchanged: on
// SQLite, DateTime as text "YYYY-MM-DDTHH:MM:SS.mmm+00:00" and Boolean as 0/1; on PostgreSQL,
// timestamp(3) holding UTC.
//
// An import runs in two steps so that it shares the database: every valid record is first staged
// in a temporary table (private to the connection: no lock on the leads), then merged into Lead in
// short transactions that other writes interleave with (src/funnel/sqlite-stage.ts,
// src/funnel/postgres-stage.ts).
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import type { LeadRecord } from "./rules.js";

export type Kind = "text" | "timestamp" | "numeric" | "boolean";

/** Lead's columns that a record fills, in the staging table's order (after "line"). */
export const RECORD_COLUMNS: Array<{ name: string; kind: Kind }> = [
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
];

export const quote = (name: string) => `"${name}"`;
/** Lead's columns as a merge writes them: the workspace, the record, then the two stamps. */
export const LEAD_COLUMN_LIST = ["slackTeamId", ...RECORD_COLUMNS.map((c) => c.name)]
  .concat("createdAt", "updatedAt")
  .map(quote)
  .join(", ");
export const STAGED_COLUMN_LIST = RECORD_COLUMNS.map((c) => `s.${quote(c.name)}`).join(", ");
/** On conflict every column but the key and createdAt takes the new value. */
export const UPDATE_SET = [...RECORD_COLUMNS.map((c) => c.name), "updatedAt"]
  .filter((name) => name !== "crmId")
  .map((name) => `${quote(name)} = excluded.${quote(name)}`)
  .join(", ");

/** A valid record on its way in, with the line it came from (for repeated ids). */
export interface StagedLead {
  line: number;
  record: LeadRecord;
  contentHash: string;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface RepeatedId {
  crmId: string;
  line: number;
  firstLine: number;
}

export interface MergeProgress {
  /** Records merged so far (committed), and in all. */
  merged: number;
  total: number;
  chunks: number;
}

export interface MergeOptions {
  /**
   * Called after each committed chunk, outside any transaction: what other work sees between
   * chunks. A throw stops the merge there (tests simulate a crash with it).
   */
  afterChunk?: (progress: MergeProgress) => void | Promise<void>;
  /** Records per chunk; by default the size adapts so a chunk holds the write lock ~MERGE_TARGET_MS. */
  chunkRows?: number;
}

/** The import's staging table on its own connection, and the merge out of it. */
export interface LeadStage {
  /** Stages valid records, each as stagedValues gives them; takes no lock on the leads. */
  add(rows: unknown[][]): Promise<void>;
  /** Ids staged more than once: each later occurrence with the first one's line, then removed. */
  takeRepeats(): Promise<RepeatedId[]>;
  /** Writes the staged records into Lead (unchanged content hashes skipped) in short transactions. */
  merge(now: Date, options?: MergeOptions): Promise<UpsertCounts>;
}

/** Where the leads go: the same database Prisma uses, reached through its driver. */
export interface LeadDatabase {
  url: string;
  provider: DatabaseProvider;
  /** Prisma on the same database, when the caller has it open: what follows a write reads through it. */
  db?: Db;
  /** Extra SQLite pragmas for the import's own connection (tests cap max_page_count with it). */
  sqlitePragmas?: string[];
}

/** How long one merge transaction should hold SQLite's write lock: others wait at most this. */
export const MERGE_TARGET_MS = 40;
export const FIRST_CHUNK_ROWS = 1_000;

/** The next chunk's size from how long the last one took: aims at MERGE_TARGET_MS. */
export function nextChunkRows(rows: number, elapsedMs: number): number {
  const factor = Math.min(2, Math.max(0.5, MERGE_TARGET_MS / Math.max(elapsedMs, 1)));
  return Math.min(20_000, Math.max(50, Math.round(rows * factor)));
}

/** Raised when a merge stops part-way: the chunks before it are committed, a rerun completes it. */
export class MergeInterrupted extends Error {
  /** Records committed before the merge stopped, whatever each became. */
  readonly stored: number;

  constructor(
    readonly written: UpsertCounts,
    readonly total: number,
    cause: unknown,
  ) {
    const stored = written.inserted + written.updated + written.unchanged;
    super(
      `${(cause as Error).message} (after ${stored} of ${total} records were written; import the same file again to complete it: those already written count as unchanged)`,
      { cause },
    );
    this.stored = stored;
  }
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `value.toISOString()` with `zone` in place of its "Z", written out by hand: V8's toISOString
 * took a tenth of a parse worker's time (every staged row has a few timestamps), this a third
 * of that. Years outside 1000-9999 (other widths and signs, or an invalid date) go through it.
 */
export function utcText(value: Date, zone = "Z"): string {
  const year = value.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return `${value.toISOString().slice(0, -1)}${zone}`;
  const date = `${year}-${two(value.getUTCMonth() + 1)}-${two(value.getUTCDate())}`;
  const time = `${two(value.getUTCHours())}:${two(value.getUTCMinutes())}:${two(value.getUTCSeconds())}`;
  return `${date}T${time}.${three(value.getUTCMilliseconds())}${zone}`;
}

const sqliteTimestamp = (value: Date) => utcText(value, "+00:00");
export const sqliteTime = (value: Date | null) => value && sqliteTimestamp(value);
export const sqliteStamp = sqliteTimestamp;

/**
 * A valid row as its provider's stage takes it (LeadStage.add). On SQLite: its values in
 * RECORD_COLUMNS order, preceded by its line, as the driver binds them. On PostgreSQL: the session
 * it stages in and its line of COPY text, made where the row is parsed (a parse worker): one
 * string crosses between threads several times cheaper than twenty values (cloning those took
 * about a fifth of a parse worker's time).
 */
export function stagedValues(provider: DatabaseProvider, lead: StagedLead): unknown[] {
  const values = recordValues(provider, lead);
  if (provider === "sqlite") return values;
  return [sessionOf(lead.record.crmId), `${values.map(copyText).join("\t")}\n`];
}

/** Sessions that stage and merge side by side on PostgreSQL (src/funnel/postgres-stage.ts). */
export const POSTGRES_SESSIONS = 2;

/** The session a record stages in: by its id, so that a repeated id stays in one session. */
function sessionOf(crmId: string): number {
  let hash = 0;
  for (let i = 0; i < crmId.length; i += 1) hash = (hash * 31 + crmId.charCodeAt(i)) | 0;
  return (hash >>> 0) % POSTGRES_SESSIONS;
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

/** A record's values in RECORD_COLUMNS order, preceded by its line, as the driver stores them. */
function recordValues(
  provider: DatabaseProvider,
  { line, record: r, contentHash }: StagedLead,
): unknown[] {
  const time = provider === "sqlite" ? sqliteTime : (value: Date | null) => value && utcText(value);
  return [
    line,
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
  ];
}

/**
 * The database's disk is full: SQLite's SQLITE_FULL, PostgreSQL's 53100 disk_full (or the
 * messages they carry when a layer above, such as Prisma, wraps them).
 */
export function isDiskFull(error: unknown): boolean {
  for (let e = error; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === "SQLITE_FULL" || code === "53100") return true;
    if (typeof message === "string" && DISK_FULL.test(message)) return true;
  }
  return false;
}

const DISK_FULL = /database or disk is full|No space left on device|disk_full/i;
