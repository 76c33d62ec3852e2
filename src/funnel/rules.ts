// A lead record as the CRM exports it (CSV header or JSON keys in snake_case), validated and
// normalised. Pure: no file, no database. The rules (docs/domain.md, "Lead records"):
// - timestamps are ISO 8601; with Z or an offset they are taken as written, without one they are
//   read in the workspace's timezone (the earlier reading in a repeated daylight-saving hour);
// - invalid: a required value missing, a timestamp or number that does not parse, sourced_by not
//   one of four, accepted and rejected, won and lost, rejected without a reason.
import { hash } from "node:crypto";
import { DateTime } from "luxon";
import { z } from "zod";
import { refuse, type Refusal } from "../refusals.js";
import { wallClockInstant } from "../time/zoned.js";

export const LEAD_COLUMNS = [
  "id",
  "mql_at",
  "first_touch_at",
  "accepted_at",
  "rejected_at",
  "rejection_reason",
  "opportunity_at",
  "closed_won_at",
  "closed_lost_at",
  "amount",
  "owner",
  "team",
  "source",
  "sourced_by",
  "influenced",
  "industry",
  "company_size",
  "country",
] as const;
export type LeadColumn = (typeof LEAD_COLUMNS)[number];

export const SOURCED_BY = ["marketing", "sales", "partner", "other"] as const;

export interface LeadRecord {
  crmId: string;
  mqlAt: Date;
  firstTouchAt: Date | null;
  acceptedAt: Date | null;
  rejectedAt: Date | null;
  rejectionReason: string | null;
  opportunityAt: Date | null;
  closedWonAt: Date | null;
  closedLostAt: Date | null;
  /** Decimal text, normalised ("1200.5"), so sums stay exact. */
  amount: string | null;
  owner: string | null;
  team: string | null;
  source: string | null;
  sourcedBy: (typeof SOURCED_BY)[number];
  influenced: boolean;
  industry: string | null;
  companySize: string | null;
  country: string | null;
}

export interface RowProblem {
  /** The line in the file (1 is the header), or the index in a JSON array (from 1). */
  line: number;
  column: string;
  value: string;
  problem: string;
}

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const HAS_OFFSET = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const ISO_LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * The native parser rolls 2026-02-30 over to March 2 (and T24:00 to the next day): a date must
 * fall on the day written. Compared field by field: toISOString cost several times more.
 */
function readsAsWritten(date: Date, text: string): boolean {
  return (
    date.getUTCFullYear() === Number(text.slice(0, 4)) &&
    date.getUTCMonth() + 1 === Number(text.slice(5, 7)) &&
    date.getUTCDate() === Number(text.slice(8, 10))
  );
}

/** An ISO 8601 timestamp; without an offset it is read in `timezone`. Null when it does not parse. */
export function parseTimestamp(text: string, timezone: string): Date | null {
  const value = text.trim();
  // Fast path for the common export form (UTC with Z): the native parser, checked strictly.
  if (UTC_ISO.test(value)) {
    const date = new Date(Date.parse(value));
    return readsAsWritten(date, value) ? date : null;
  }
  if (HAS_OFFSET.test(value)) {
    const parsed = DateTime.fromISO(value, { setZone: true });
    return parsed.isValid ? parsed.toJSDate() : null;
  }
  const match = ISO_LOCAL.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", ms = "0"] = match;
  const wall = {
    year: +year!,
    month: +month!,
    day: +day!,
    hour: +hour,
    minute: +minute,
    second: +second,
    millisecond: +ms.padEnd(3, "0"),
  };
  const instant = wallClockInstant(wall, timezone);
  // luxon rolls 2026-02-30 over to March: refuse dates that do not exist.
  if (!instant.isValid || DateTime.fromObject(wall).toISODate() !== `${year}-${month}-${day}`)
    return null;
  return instant.toJSDate();
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

// Each value's reading, shared by the schema and by plainLead (the fast path for valid rows).
const cleanText = (value: string | number | boolean | null | undefined): string =>
  value === null || value === undefined ? "" : String(value).trim();
const orNull = (value: string): string | null => value || null;
const amountDigits = (value: string): string => value.replace(/[,_\s]/g, "");
const isAmount = (value: string): boolean => value === "" || DECIMAL.test(value);
const amountOf = (value: string): string | null => (value === "" ? null : normaliseDecimal(value));
const sourcedByText = (value: string): string => value.toLowerCase() || "marketing";
const isSourcedBy = (value: string): value is LeadRecord["sourcedBy"] =>
  (SOURCED_BY as readonly string[]).includes(value);
const influencedText = (value: string): string => value.toLowerCase();
const isInfluenced = (value: string): boolean =>
  value === "" || value === "true" || value === "false";

const text = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform(cleanText);
const optionalText = text.transform(orNull);

const timestamp = (timezone: string, required: boolean) =>
  text.transform((value, ctx) => {
    if (!value) {
      if (required)
        ctx.addIssue({
          code: "custom",
          message: "is required: an ISO 8601 timestamp such as 2026-11-23T09:15:00Z",
        });
      return null;
    }
    const parsed = parseTimestamp(value, timezone);
    if (!parsed)
      ctx.addIssue({
        code: "custom",
        message:
          "is not an ISO 8601 timestamp (e.g. 2026-11-23T09:15:00Z, 2026-11-23T09:15:00-05:00 or 2026-11-23 09:15)",
      });
    return parsed;
  });

/**
 * Validates one record; `timezone` reads timestamps written without an offset. The zod schema
 * words every problem; plainLead reads the common valid row the same way at a fraction of the cost.
 */
export function leadInputSchema(timezone: string) {
  return { timezone, zod: zodLeadSchema(timezone) };
}

function zodLeadSchema(timezone: string) {
  return z
    .object({
      id: text.refine((value) => value !== "", "is required: the CRM's id for the lead"),
      mql_at: timestamp(timezone, true),
      first_touch_at: timestamp(timezone, false),
      accepted_at: timestamp(timezone, false),
      rejected_at: timestamp(timezone, false),
      rejection_reason: optionalText,
      opportunity_at: timestamp(timezone, false),
      closed_won_at: timestamp(timezone, false),
      closed_lost_at: timestamp(timezone, false),
      amount: text
        .transform(amountDigits)
        .refine(isAmount, "is not a number (e.g. 12500 or 12500.50)")
        .transform(amountOf),
      owner: optionalText,
      team: optionalText,
      source: optionalText,
      sourced_by: text
        .transform(sourcedByText)
        .refine(isSourcedBy, `must be one of ${SOURCED_BY.join(", ")}`),
      influenced: text
        .transform(influencedText)
        .refine(isInfluenced, "must be true or false")
        .transform((value) => value === "true"),
      industry: optionalText,
      company_size: optionalText,
      country: optionalText,
    })
    .superRefine((row, ctx) => {
      if (row.rejected_at && !row.rejection_reason) {
        ctx.addIssue({
          code: "custom",
          path: ["rejection_reason"],
          message: "is required when rejected_at is set (e.g. wrong company size, no budget)",
        });
      }
      if (row.accepted_at && row.rejected_at) {
        ctx.addIssue({
          code: "custom",
          path: ["rejected_at"],
          message:
            "cannot be set together with accepted_at: a lead is accepted or rejected, not both",
        });
      }
      if (row.closed_won_at && row.closed_lost_at) {
        ctx.addIssue({
          code: "custom",
          path: ["closed_lost_at"],
          message: "cannot be set together with closed_won_at: a deal is won or lost, not both",
        });
      }
    })
    .transform((row): LeadRecord => ({
      crmId: row.id,
      mqlAt: row.mql_at!,
      firstTouchAt: row.first_touch_at,
      acceptedAt: row.accepted_at,
      rejectedAt: row.rejected_at,
      rejectionReason: row.rejection_reason,
      opportunityAt: row.opportunity_at,
      closedWonAt: row.closed_won_at,
      closedLostAt: row.closed_lost_at,
      amount: row.amount,
      owner: row.owner,
      team: row.team,
      source: row.source,
      sourcedBy: row.sourced_by,
      influenced: row.influenced,
      industry: row.industry,
      companySize: row.company_size,
      country: row.country,
    }));
}
export type LeadInputSchema = ReturnType<typeof leadInputSchema>;

function normaliseDecimal(value: string): string {
  const [whole = "0", fraction = ""] = value.split(".");
  const trimmedFraction = fraction.replace(/0+$/, "");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/^0+(?=\d)/, "");
  return `${sign}${digits}${trimmedFraction ? `.${trimmedFraction}` : ""}`;
}

export type ParsedLead = { ok: true; record: LeadRecord } | { ok: false; problems: RowProblem[] };

export function parseLead(
  schema: LeadInputSchema,
  raw: Record<string, unknown>,
  line: number,
): ParsedLead {
  const record = plainLead(raw, schema.timezone);
  if (record) return { ok: true, record };
  const parsed = schema.zod.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const column = String(issue.path[0] ?? "row");
      const value = raw[column];
      return {
        line,
        column,
        value: displayValue(value),
        problem: issue.message,
      };
    }),
  };
}

/**
 * The schema's record for a valid row, or null when the row has a problem (or a value only the
 * schema can judge, such as an object from JSON): the schema then checks it again and words its
 * problems. The same readings (cleanText, amountDigits, …) as the schema, without zod's per-value
 * machinery, which took about a sixth of an import's parsing time.
 */
export function plainLead(raw: Record<string, unknown>, timezone: string): LeadRecord | null {
  try {
    return plainRecord(raw, timezone);
  } catch (error) {
    if (error === NOT_PLAIN) return null;
    throw error;
  }
}

/** Thrown (never out of plainLead) at the first value the fast path leaves to the schema. */
const NOT_PLAIN = new Error("left to the schema");

function refuseIf(problem: unknown): void {
  if (problem) throw NOT_PLAIN;
}

function plainText(value: unknown): string {
  if (typeof value === "string") return value.trim();
  // zod's number() refuses Infinity (JSON's 1e400), which String() would read as text.
  const plain = value == null || typeof value === "boolean" || Number.isFinite(value);
  refuseIf(!plain);
  return cleanText(value as number | boolean | null | undefined);
}

function plainTimestamp(value: unknown, timezone: string): Date | null {
  const text = plainText(value);
  if (!text) return null;
  const parsed = parseTimestamp(text, timezone);
  refuseIf(!parsed);
  return parsed;
}

function plainRecord(raw: Record<string, unknown>, timezone: string): LeadRecord {
  const crmId = plainText(raw.id);
  const mqlAt = plainTimestamp(raw.mql_at, timezone);
  refuseIf(!crmId || !mqlAt);
  const amount = amountDigits(plainText(raw.amount));
  const sourcedBy = sourcedByText(plainText(raw.sourced_by));
  const influenced = influencedText(plainText(raw.influenced));
  refuseIf(!isAmount(amount) || !isSourcedBy(sourcedBy) || !isInfluenced(influenced));
  const record: LeadRecord = {
    crmId,
    mqlAt: mqlAt!,
    firstTouchAt: plainTimestamp(raw.first_touch_at, timezone),
    acceptedAt: plainTimestamp(raw.accepted_at, timezone),
    rejectedAt: plainTimestamp(raw.rejected_at, timezone),
    rejectionReason: orNull(plainText(raw.rejection_reason)),
    opportunityAt: plainTimestamp(raw.opportunity_at, timezone),
    closedWonAt: plainTimestamp(raw.closed_won_at, timezone),
    closedLostAt: plainTimestamp(raw.closed_lost_at, timezone),
    amount: amountOf(amount),
    owner: orNull(plainText(raw.owner)),
    team: orNull(plainText(raw.team)),
    source: orNull(plainText(raw.source)),
    sourcedBy: sourcedBy as LeadRecord["sourcedBy"],
    influenced: influenced === "true",
    industry: orNull(plainText(raw.industry)),
    companySize: orNull(plainText(raw.company_size)),
    country: orNull(plainText(raw.country)),
  };
  // The schema's rules across values (its superRefine).
  refuseIf(record.rejectedAt && !record.rejectionReason);
  refuseIf(record.acceptedAt && record.rejectedAt);
  refuseIf(record.closedWonAt && record.closedLostAt);
  return record;
}

/** A raw value as a person would read it in an error message. */
function displayValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Header columns Cadence does not know: ignored, and reported once. */
export function unknownColumns(header: string[]): string[] {
  return header.filter((column) => !(LEAD_COLUMNS as readonly string[]).includes(column));
}

/** Columns every file must have. */
export function missingColumns(header: string[]): string[] {
  return ["id", "mql_at"].filter((column) => !header.includes(column));
}

/** A fingerprint of everything stored about a lead: equal hashes mean nothing to update. */
export function leadContentHash(record: LeadRecord): string {
  // An array of the fields in a fixed order: unambiguous, and several times cheaper to serialise
  // than the record with a Date replacer (the import hashes every row).
  const fields = LEAD_FIELDS.map((field) => {
    const value = record[field];
    return value instanceof Date ? value.getTime() : value;
  });
  return hash("sha256", JSON.stringify(fields));
}

/** Every field of a record (the compiler checks none is missing), in a fixed order. */
const LEAD_FIELDS = Object.keys({
  crmId: true,
  mqlAt: true,
  firstTouchAt: true,
  acceptedAt: true,
  rejectedAt: true,
  rejectionReason: true,
  opportunityAt: true,
  closedWonAt: true,
  closedLostAt: true,
  amount: true,
  owner: true,
  team: true,
  source: true,
  sourcedBy: true,
  influenced: true,
  industry: true,
  companySize: true,
  country: true,
} satisfies Record<keyof LeadRecord, true>) as Array<keyof LeadRecord>;

/** Larger exports go through `cadence import leads` or the ingest API. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Why a file shared in Slack cannot be imported (not a CSV, too large), or null. */
export function whyNotImportable(file: {
  name: string;
  filetype: string;
  size: number;
}): Refusal | null {
  if (file.filetype !== "csv" && !file.name.toLowerCase().endsWith(".csv"))
    return refuse("not-csv", { name: file.name });
  if (file.size > MAX_UPLOAD_BYTES)
    return refuse("file-too-large", { name: file.name, megabytes: MAX_UPLOAD_BYTES / 1024 / 1024 });
  return null;
}
