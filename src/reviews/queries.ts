// The review packs' database aggregation: counts grouped by a lead's source or firmographics,
// and medians per group (the mean of the one or two middle values), all in SQL over the
// per-workspace timestamp indexes. The same text runs on SQLite and
// PostgreSQL through the digest's Statement (placeholders, timestamp literals).
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import { Statement } from "../digest/queries.js";
import type { Period } from "../digest/week.js";

export type TimestampColumn =
  "mqlAt" | "acceptedAt" | "rejectedAt" | "opportunityAt" | "closedWonAt" | "closedLostAt";
export type KeyColumn = "source" | "rejectionReason" | "industry" | "companySize" | "country";

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
   * Per industry, company size and country: the median of the won deals' amounts and of their
   * cycle (MQL to won) in ms, over the leads won in `period`, in one statement (the won leads are
   * read once). A deal without an amount counts for the cycle, not the amount.
   */
  async wonMedians(period: Period): Promise<
    Array<{
      measure: "amount" | "cycleMs";
      dimension: KeyColumn;
      key: string | null;
      median: number;
    }>
  > {
    const found = await this.rows<{
      measure: string;
      dimension: string;
      key: string | null;
      median: unknown;
    }>((sql) => {
      const keyed = (["industry", "companySize", "country"] as const)
        .map((d) => `SELECT '${d}' AS "dimension", "${d}" AS "key", "amount", "cycleMs" FROM "won"`)
        .join(" UNION ALL ");
      const won = `"won" AS MATERIALIZED (
           SELECT "industry", "companySize", "country", "amount", ${this.durationMs("mqlAt", "closedWonAt")} AS "cycleMs"
           FROM "Lead" WHERE ${this.within(sql, "closedWonAt", period)}
         ), "keyed" AS (${keyed})`;
      // PostgreSQL's percentile_cont(0.5) is the same median (the mean of the two middle values
      // for an even count) without a window sort over text keys; SQLite has no ordered-set
      // aggregates, so it ranks each group and averages its one or two middle rows.
      if (this.provider === "postgres")
        return `WITH ${won}
           SELECT 'amount' AS "measure", "dimension", "key", percentile_cont(0.5) WITHIN GROUP (ORDER BY "amount"::float8) AS "median"
           FROM "keyed" WHERE "amount" IS NOT NULL GROUP BY "dimension", "key"
           UNION ALL
           SELECT 'cycleMs', "dimension", "key", percentile_cont(0.5) WITHIN GROUP (ORDER BY "cycleMs"::float8)
           FROM "keyed" GROUP BY "dimension", "key"`;
      const ranked = (measure: "amount" | "cycleMs") =>
        `SELECT '${measure}' AS "measure", "dimension", "key", "${measure}" AS "v",
           ROW_NUMBER() OVER (PARTITION BY "dimension", "key" ORDER BY "${measure}") AS "rn",
           COUNT(*) OVER (PARTITION BY "dimension", "key") AS "n"
         FROM "keyed" WHERE "${measure}" IS NOT NULL`;
      return `WITH ${won},
         "ranked" AS (${ranked("amount")} UNION ALL ${ranked("cycleMs")})
         SELECT "measure", "dimension", "key", AVG("v") AS "median" FROM "ranked"
         WHERE "rn" IN (("n" + 1) / 2, ("n" + 2) / 2) GROUP BY "measure", "dimension", "key"`;
    });
    return found.map((row) => ({
      measure: row.measure === "amount" ? "amount" : "cycleMs",
      dimension: row.dimension as KeyColumn,
      key: row.key,
      median: Number(row.median),
    }));
  }
}
