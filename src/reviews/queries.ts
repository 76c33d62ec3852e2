// The review packs' database aggregation: counts grouped by a lead's source or firmographics in
// SQL over the per-workspace timestamp indexes, and the won deals of a window for their medians.
// The same text runs on SQLite and PostgreSQL through the digest's Statement (placeholders,
// timestamp literals).
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { Statement } from "../digest/queries.js";
import type { Period } from "../digest/week.js";

export type TimestampColumn =
  "mqlAt" | "acceptedAt" | "rejectedAt" | "opportunityAt" | "closedWonAt" | "closedLostAt";
export type KeyColumn = "source" | "rejectionReason" | "industry" | "companySize" | "country";

/** A won deal: its firmographics, amount (null when the CRM had none) and MQL-to-won cycle. */
export interface WonDeal {
  industry: string | null;
  companySize: string | null;
  country: string | null;
  amount: number | null;
  cycleMs: number;
}

/** A lead's firmographics: how many leads share them. */
export interface FirmographicCount {
  industry: string | null;
  companySize: string | null;
  country: string | null;
  count: number;
}

const num = (value: unknown): number => Number(value ?? 0);

export class ReviewQueries {
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

  private within(sql: Statement, column: TimestampColumn, period: Period): string {
    return `"slackTeamId" = ${sql.value(this.slackTeamId)} AND "${column}" >= ${sql.instant(period.start)} AND "${column}" < ${sql.instant(period.end)}`;
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

  /** Milliseconds from one timestamp column to another, exact to the millisecond. */
  private durationMs(from: TimestampColumn, to: TimestampColumn): string {
    return this.provider === "sqlite"
      ? `CAST(ROUND((unixepoch("${to}", 'subsec') - unixepoch("${from}", 'subsec')) * 1000) AS INTEGER)`
      : `CAST(EXTRACT(EPOCH FROM ("${to}" - "${from}")) * 1000 AS BIGINT)`;
  }

  /**
   * Leads with `column` in each of `periods` (consecutive), counted by period and by every
   * combination of `keys`: one scan answers several breakdowns (by month, by source, by reason…).
   */
  async groupedCounts<K extends KeyColumn>(
    column: TimestampColumn,
    periods: readonly Period[],
    keys: readonly K[],
  ): Promise<Array<{ period: number; count: number } & Record<K, string | null>>> {
    const span = { start: periods[0]!.start, end: periods.at(-1)!.end };
    const columns = keys.map((k) => `"${k}"`).join(", ");
    const found = await this.rows<Record<string, unknown>>(
      (sql) =>
        `SELECT ${this.bucket(sql, column, periods)} AS "bucket", ${columns}, COUNT(*) AS "n" FROM "Lead" WHERE ${this.within(sql, column, span)} GROUP BY 1, ${columns}`,
    );
    return found.map((row) => {
      const entry = { period: num(row.bucket), count: num(row.n) } as {
        period: number;
        count: number;
      } & Record<K, string | null>;
      for (const key of keys) (entry as Record<string, unknown>)[key] = row[key] ?? null;
      return entry;
    });
  }

  /** The MQLs of `period` by source, and how many of them were won (as of now). */
  async mqlsWonBySource(
    period: Period,
  ): Promise<Array<{ key: string | null; mqls: number; won: number }>> {
    const found = await this.rows<{ key: string | null; n: unknown; won: unknown }>(
      (sql) =>
        `SELECT "source" AS "key", COUNT(*) AS "n", SUM(CASE WHEN "closedWonAt" IS NOT NULL THEN 1 ELSE 0 END) AS "won"
         FROM "Lead" WHERE ${this.within(sql, "mqlAt", period)} GROUP BY "source"`,
    );
    return found.map((row) => ({ key: row.key, mqls: num(row.n), won: num(row.won) }));
  }

  /** Leads with `column` in `period`, counted by industry, company size and country together. */
  async firmographics(column: TimestampColumn, period: Period): Promise<FirmographicCount[]> {
    const found = await this.rows<{
      industry: string | null;
      companySize: string | null;
      country: string | null;
      n: unknown;
    }>(
      (sql) =>
        `SELECT "industry", "companySize", "country", COUNT(*) AS "n" FROM "Lead"
         WHERE ${this.within(sql, column, period)} GROUP BY "industry", "companySize", "country"`,
    );
    return found.map((row) => ({
      industry: row.industry,
      companySize: row.companySize,
      country: row.country,
      count: num(row.n),
    }));
  }

  /**
   * The deals won in `period`: firmographics, amount and cycle (MQL to won, ms). A year holds
   * tens of thousands at most, so they are read once and the counts and medians are worked out
   * from them (medians per group in SQL sorted every group's rows again, which was the slow part).
   */
  async wonDeals(period: Period): Promise<WonDeal[]> {
    const found = await this.rows<{
      industry: string | null;
      companySize: string | null;
      country: string | null;
      amount: unknown;
      cycleMs: unknown;
    }>(
      (sql) =>
        `SELECT "industry", "companySize", "country", "amount", ${this.durationMs("mqlAt", "closedWonAt")} AS "cycleMs"
         FROM "Lead" WHERE ${this.within(sql, "closedWonAt", period)}`,
    );
    return found.map((row) => ({
      industry: row.industry,
      companySize: row.companySize,
      country: row.country,
      amount: row.amount === null || row.amount === undefined ? null : Number(row.amount),
      cycleMs: Number(row.cycleMs),
    }));
  }
}
