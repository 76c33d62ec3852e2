// The digest's database aggregation: counts, sums and groupings done by SQL over the per-workspace
// timestamp indexes, never by loading every lead. The same SQL runs on SQLite and PostgreSQL; the
// few differences (placeholders, timestamp literals, time arithmetic) live in `Dialect`.
// Timestamps are compared in Prisma's storage formats: on SQLite, text
// "YYYY-MM-DDTHH:MM:SS.mmm+00:00" (which sorts like the instant); on PostgreSQL, timestamp(3) in UTC.
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import type { MqlResponse } from "./metrics.js";
import type { Period } from "./week.js";

/** SQL text and its parameters; call `value` and `instant` in the order they appear in the text. */
export class Statement {
  readonly params: unknown[] = [];
  constructor(private readonly provider: DatabaseProvider) {}

  value(value: unknown): string {
    this.params.push(value);
    return this.provider === "sqlite" ? "?" : `$${this.params.length}`;
  }

  instant(at: Date): string {
    const iso = at.toISOString();
    if (this.provider === "sqlite") return this.value(`${iso.slice(0, -1)}+00:00`);
    return `${this.value(iso)}::timestamp(3)`;
  }

  /** first touch minus MQL in whole milliseconds (exact: no floating-point drift at 5:00.000). */
  responseMs(): string {
    return this.provider === "sqlite"
      ? `CAST(ROUND((unixepoch("firstTouchAt", 'subsec') - unixepoch("mqlAt", 'subsec')) * 1000) AS INTEGER)`
      : `CAST(EXTRACT(EPOCH FROM ("firstTouchAt" - "mqlAt")) * 1000 AS BIGINT)`;
  }
}

type TimestampColumn =
  "mqlAt" | "acceptedAt" | "rejectedAt" | "opportunityAt" | "closedWonAt" | "closedLostAt";

export class DigestQueries {
  constructor(
    private readonly db: Db,
    private readonly provider: DatabaseProvider,
    private readonly slackTeamId: string,
  ) {}

  private async rows<T>(build: (sql: Statement) => string): Promise<T[]> {
    const statement = new Statement(this.provider);
    const text = build(statement);
    return this.db.$queryRawUnsafe<T[]>(text, ...statement.params);
  }

  /** `WHERE` for this workspace's leads whose `column` falls in the span of `periods`. */
  private within(sql: Statement, column: TimestampColumn, periods: readonly Period[]): string {
    return `"slackTeamId" = ${sql.value(this.slackTeamId)} AND "${column}" >= ${sql.instant(periods[0]!.start)} AND "${column}" < ${sql.instant(periods.at(-1)!.end)}`;
  }

  /** Which of `periods` (consecutive) a timestamp falls in: 0, 1, … */
  private bucket(sql: Statement, column: TimestampColumn, periods: readonly Period[]): string {
    if (periods.length === 1) return "0";
    const cases = periods
      .slice(0, -1)
      .map((period, i) => `WHEN "${column}" < ${sql.instant(period.end)} THEN ${i}`)
      .join(" ");
    return `CASE ${cases} ELSE ${periods.length - 1} END`;
  }

  /** How many leads have `column` in each period (consecutive periods, oldest first). */
  async countBy(column: TimestampColumn, periods: readonly Period[]): Promise<number[]> {
    const found = await this.rows<{ bucket: number | bigint; n: number | bigint }>(
      (sql) =>
        `SELECT ${this.bucket(sql, column, periods)} AS "bucket", COUNT(*) AS "n" FROM "Lead" WHERE ${this.within(sql, column, periods)} GROUP BY 1`,
    );
    const counts = periods.map(() => 0);
    for (const row of found) counts[Number(row.bucket)] = Number(row.n);
    return counts;
  }

  /** Per period: MQLs, and MQLs first touched within `slaMinutes` (a touch before the MQL counts). */
  async mqlsWithinSla(
    periods: readonly Period[],
    slaMinutes: number,
  ): Promise<Array<{ mqls: number; withinSla: number }>> {
    const found = await this.rows<{
      bucket: number | bigint;
      n: number | bigint;
      within: number | bigint | null;
    }>(
      // Placeholders are filled in the order they appear in the text (SQLite's are positional).
      (sql) =>
        `SELECT ${this.bucket(sql, "mqlAt", periods)} AS "bucket", COUNT(*) AS "n",
           SUM(CASE WHEN "firstTouchAt" IS NOT NULL AND ${sql.responseMs()} <= ${sql.value(Math.round(slaMinutes * 60_000))} THEN 1 ELSE 0 END) AS "within"
         FROM "Lead" WHERE ${this.within(sql, "mqlAt", periods)} GROUP BY 1`,
    );
    const result = periods.map(() => ({ mqls: 0, withinSla: 0 }));
    for (const row of found)
      result[Number(row.bucket)] = { mqls: Number(row.n), withinSla: Number(row.within ?? 0) };
    return result;
  }

  /** Breaches of `period`'s MQLs that were still untouched at the manager and at the VP step. */
  async slaEscalations(period: Period): Promise<{ manager: number; vp: number }> {
    const [row] = await this.rows<{ manager: number | bigint | null; vp: number | bigint | null }>(
      (sql) =>
        `SELECT SUM(CASE WHEN "reachedStep" >= 2 THEN 1 ELSE 0 END) AS "manager",
           SUM(CASE WHEN "reachedStep" >= 3 THEN 1 ELSE 0 END) AS "vp"
         FROM "SlaWatch" WHERE "slackTeamId" = ${sql.value(this.slackTeamId)} AND "mqlAt" >= ${sql.instant(period.start)} AND "mqlAt" < ${sql.instant(period.end)}`,
    );
    return { manager: Number(row?.manager ?? 0), vp: Number(row?.vp ?? 0) };
  }

  /** The amounts of the leads won in `period`, as exact decimal text. */
  async wonAmounts(period: Period): Promise<string[]> {
    const found = await this.rows<{ amount: unknown }>(
      (sql) =>
        `SELECT "amount" FROM "Lead" WHERE ${this.within(sql, "closedWonAt", [period])} AND "amount" IS NOT NULL`,
    );
    return found.map((row) => String(row.amount));
  }

  async rejectionReasons(period: Period): Promise<Array<{ reason: string | null; count: number }>> {
    const found = await this.rows<{ reason: string | null; n: number | bigint }>(
      (sql) =>
        `SELECT "rejectionReason" AS "reason", COUNT(*) AS "n" FROM "Lead" WHERE ${this.within(sql, "rejectedAt", [period])} GROUP BY "rejectionReason"`,
    );
    return found.map((row) => ({ reason: row.reason, count: Number(row.n) }));
  }

  /** Every MQL of `period` with its owner, team, source and response time (one week's worth). */
  async mqlResponses(period: Period): Promise<MqlResponse[]> {
    const found = await this.rows<{
      owner: string | null;
      team: string | null;
      source: string | null;
      ms: number | bigint | null;
    }>(
      (sql) =>
        `SELECT "owner", "team", "source", CASE WHEN "firstTouchAt" IS NULL THEN NULL ELSE ${sql.responseMs()} END AS "ms"
         FROM "Lead" WHERE ${this.within(sql, "mqlAt", [period])}`,
    );
    return found.map((row) => ({
      owner: row.owner,
      team: row.team,
      source: row.source,
      responseMs: row.ms === null ? null : Number(row.ms),
    }));
  }

  /** The cohort of leads whose MQL falls in `period`, and how far they got (as of now). */
  async cohort(period: Period) {
    const [row] = await this.rows<Record<string, number | bigint | null>>(
      (sql) =>
        `SELECT COUNT(*) AS "cohort",
           SUM(CASE WHEN "acceptedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "accepted",
           SUM(CASE WHEN "acceptedAt" IS NOT NULL AND "opportunityAt" IS NOT NULL THEN 1 ELSE 0 END) AS "acceptedWithOpportunity",
           SUM(CASE WHEN "opportunityAt" IS NOT NULL AND "closedWonAt" IS NOT NULL THEN 1 ELSE 0 END) AS "won",
           SUM(CASE WHEN "opportunityAt" IS NOT NULL AND "closedLostAt" IS NOT NULL THEN 1 ELSE 0 END) AS "lost"
         FROM "Lead" WHERE ${this.within(sql, "mqlAt", [period])}`,
    );
    const n = (key: string) => Number(row?.[key] ?? 0);
    return {
      cohort: n("cohort"),
      accepted: n("accepted"),
      acceptedWithOpportunity: n("acceptedWithOpportunity"),
      won: n("won"),
      lost: n("lost"),
    };
  }

  /** The opportunities created in `period` by who sourced them, and how many marketing influenced. */
  async sourcing(period: Period) {
    const found = await this.rows<{
      sourcedBy: string;
      n: number | bigint;
      influenced: number | bigint | null;
    }>(
      (sql) =>
        `SELECT "sourcedBy", COUNT(*) AS "n", SUM(CASE WHEN "influenced" THEN 1 ELSE 0 END) AS "influenced"
         FROM "Lead" WHERE ${this.within(sql, "opportunityAt", [period])} GROUP BY "sourcedBy"`,
    );
    return found.map((row) => ({
      sourcedBy: row.sourcedBy,
      count: Number(row.n),
      influenced: Number(row.influenced ?? 0),
    }));
  }
}
