// The import's hot path: lead upserts as multi-row SQL, not one Prisma call per row (Prisma's
// createMany costs about 1 ms a row here; measured). Values are written in Prisma's own storage
// formats, so Prisma reads them back unchanged: on SQLite, DateTime as text
// "YYYY-MM-DDTHH:MM:SS.mmm+00:00" and Boolean as 0/1; on PostgreSQL, timestamp(3) in UTC.
import type { DatabaseProvider } from "../db/provider.js";
import type { Db } from "../db/client.js";
import type { LeadRecord } from "./rules.js";

type Column = { name: string; kind: "text" | "timestamp" | "numeric" | "boolean" };

const COLUMNS: Column[] = [
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

/**
 * Parameters per statement. SQLite (as Prisma uses it) binds at most 999. PostgreSQL takes far
 * more, but bigger statements raise Prisma's peak memory (30,000: 937 MB for 100k rows; 5,000:
 * 519 MB, at the same speed; measured with the import bench).
 */
const MAX_PARAMETERS = { sqlite: 999, postgres: 5_000 } as const;

const quote = (name: string) => `"${name}"`;

function encode(provider: DatabaseProvider, kind: Column["kind"], value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "timestamp") {
    const iso = (value as Date).toISOString();
    return provider === "sqlite" ? iso.replace("Z", "+00:00") : iso;
  }
  if (kind === "boolean") return provider === "sqlite" ? (value ? 1 : 0) : value;
  return value;
}

function placeholder(provider: DatabaseProvider, index: number, kind: Column["kind"]): string {
  if (provider === "sqlite") return "?";
  const cast = {
    text: "",
    timestamp: "::timestamp(3)",
    numeric: "::numeric",
    boolean: "::boolean",
  }[kind];
  return `$${index}${cast}`;
}

export interface HashedLead {
  record: LeadRecord;
  contentHash: string;
}

/** The stored content hash of each of these CRM ids that exists. */
export async function existingHashes(
  db: Db,
  provider: DatabaseProvider,
  slackTeamId: string,
  crmIds: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const chunk = MAX_PARAMETERS[provider] - 1;
  for (let start = 0; start < crmIds.length; start += chunk) {
    const ids = crmIds.slice(start, start + chunk);
    const marks = ids.map((_, i) => (provider === "sqlite" ? "?" : `$${i + 2}`)).join(",");
    const rows = await db.$queryRawUnsafe<Array<{ crmId: string; contentHash: string }>>(
      `SELECT "crmId", "contentHash" FROM "Lead" WHERE "slackTeamId" = ${provider === "sqlite" ? "?" : "$1"} AND "crmId" IN (${marks})`,
      slackTeamId,
      ...ids,
    );
    for (const row of rows) found.set(row.crmId, row.contentHash);
  }
  return found;
}

/** Inserts new leads and overwrites changed ones (createdAt kept), in as few statements as fit. */
export async function writeLeads(
  db: Db,
  provider: DatabaseProvider,
  slackTeamId: string,
  leads: HashedLead[],
  now: Date,
): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMETERS[provider] / COLUMNS.length);
  const updates = COLUMNS.filter((c) => !["slackTeamId", "crmId", "createdAt"].includes(c.name))
    .map((c) => `${quote(c.name)} = excluded.${quote(c.name)}`)
    .join(", ");
  for (let start = 0; start < leads.length; start += perStatement) {
    const params: unknown[] = [];
    const rows = leads.slice(start, start + perStatement).map(({ record, contentHash }) => {
      const values: Record<string, unknown> = {
        ...record,
        slackTeamId,
        contentHash,
        createdAt: now,
        updatedAt: now,
      };
      return `(${COLUMNS.map((column) => {
        params.push(encode(provider, column.kind, values[column.name]));
        return placeholder(provider, params.length, column.kind);
      }).join(", ")})`;
    });
    await db.$executeRawUnsafe(
      `INSERT INTO "Lead" (${COLUMNS.map((c) => quote(c.name)).join(", ")}) VALUES ${rows.join(", ")} ` +
        `ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${updates}`,
      ...params,
    );
  }
}
