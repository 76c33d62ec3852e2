// Building the Monday funnel digest: one set of numbers, computed one way, from all the data in
// the database at the time it is built. The shape is the contract the CLI's --json prints.
import type { Db } from "../db/client.js";
import type { DatabaseProvider } from "../db/provider.js";
import {
  rejectionReasons,
  ratio,
  speedToLead,
  sumDecimals,
  type RejectionReason,
  type SpeedToLead,
} from "./metrics.js";
import { DigestQueries } from "./queries.js";
import { completeMonthsBefore, weeksEndingWith, type ReportingWeek } from "./week.js";

export const DEFAULT_SLA_MINUTES = 5;
export const DEFAULT_REJECTION_THRESHOLD = 0.3;
export const COHORT_WEEKS = 13;
export const TREND_WEEKS = 8;

export interface Volumes {
  mql: number;
  sql: number;
  rejected: number;
  opportunities: number;
  won: number;
  lost: number;
  wonAmount: number;
}

export interface Digest {
  week: { start: string; end: string; timezone: string };
  volumes: Volumes;
  previousVolumes: Volumes;
  acceptanceRate: number | null;
  rejectionReasons: RejectionReason[];
  speedToLead: SpeedToLead;
  /** The week's breaches that reached the manager and the VP steps (src/sla/). */
  slaEscalations?: { manager: number; vp: number };
  conversion: {
    cohortWeeks: number;
    mqlToSql: number | null;
    sqlToOpp: number | null;
    oppToWon: number | null;
  };
  sourcing: {
    marketing: number;
    sales: number;
    partner: number;
    other: number;
    influenced: number;
  };
  rejectionTrend: {
    months: Array<{ month: string; rejectionRate: number | null }>;
    mqlReviewTriggered: boolean;
  };
}

/** The 8 weeks ending with the reported one, for the chart (not part of the JSON contract). */
export interface WeeklyTrend {
  weekStart: string;
  mqls: number;
  acceptanceRate: number | null;
  slaCompliance: number | null;
}

export interface DigestOptions {
  slackTeamId: string;
  week: ReportingWeek;
  slaMinutes?: number;
  rejectionThreshold?: number;
}

export async function buildDigest(
  db: Db,
  provider: DatabaseProvider,
  options: DigestOptions,
): Promise<{ digest: Digest; trend: WeeklyTrend[] }> {
  const { week } = options;
  const slaMinutes = options.slaMinutes ?? DEFAULT_SLA_MINUTES;
  const threshold = options.rejectionThreshold ?? DEFAULT_REJECTION_THRESHOLD;
  const q = new DigestQueries(db, provider, options.slackTeamId);
  const weeks = weeksEndingWith(week, TREND_WEEKS);
  const lastTwo = weeks.slice(-2);
  const cohortWeeks = weeksEndingWith(week, COHORT_WEEKS);
  const months = completeMonthsBefore(week.end, week.timezone, 2);

  // Independent queries, issued together (PostgreSQL runs them on its pool).
  const [
    mqlsBySla,
    accepted,
    rejected,
    opportunities,
    won,
    lost,
    wonAmounts,
    previousWonAmounts,
    reasons,
    responses,
    cohort,
    sourcing,
    acceptedByMonth,
    rejectedByMonth,
    slaEscalations,
  ] = await Promise.all([
    q.mqlsWithinSla(weeks, slaMinutes),
    q.countBy("acceptedAt", weeks),
    q.countBy("rejectedAt", weeks),
    q.countBy("opportunityAt", lastTwo),
    q.countBy("closedWonAt", lastTwo),
    q.countBy("closedLostAt", lastTwo),
    q.wonAmounts(lastTwo[1]!),
    q.wonAmounts(lastTwo[0]!),
    q.rejectionReasons(week),
    q.mqlResponses(week),
    q.cohort({ start: cohortWeeks[0]!.start, end: week.end }),
    q.sourcing(week),
    q.countBy("acceptedAt", months),
    q.countBy("rejectedAt", months),
    q.slaEscalations(week),
  ]);

  const volumesAt = (trendIndex: number, pairIndex: number, amounts: string[]): Volumes => ({
    mql: mqlsBySla[trendIndex]!.mqls,
    sql: accepted[trendIndex]!,
    rejected: rejected[trendIndex]!,
    opportunities: opportunities[pairIndex]!,
    won: won[pairIndex]!,
    lost: lost[pairIndex]!,
    wonAmount: sumDecimals(amounts),
  });
  const volumes = volumesAt(TREND_WEEKS - 1, 1, wonAmounts);
  const bySource = new Map(sourcing.map((s) => [s.sourcedBy, s.count]));
  const monthRates = months.map((month, i) => ({
    month: month.month,
    rejectionRate: ratio(rejectedByMonth[i]!, acceptedByMonth[i]! + rejectedByMonth[i]!),
  }));

  const digest: Digest = {
    week: { start: week.startDate, end: week.endDate, timezone: week.timezone },
    volumes,
    previousVolumes: volumesAt(TREND_WEEKS - 2, 0, previousWonAmounts),
    acceptanceRate: ratio(volumes.sql, volumes.sql + volumes.rejected),
    rejectionReasons: rejectionReasons(reasons),
    speedToLead: speedToLead(responses, slaMinutes),
    slaEscalations,
    conversion: {
      cohortWeeks: COHORT_WEEKS,
      mqlToSql: ratio(cohort.accepted, cohort.cohort),
      sqlToOpp: ratio(cohort.acceptedWithOpportunity, cohort.accepted),
      oppToWon: ratio(cohort.won, cohort.won + cohort.lost),
    },
    sourcing: {
      marketing: bySource.get("marketing") ?? 0,
      sales: bySource.get("sales") ?? 0,
      partner: bySource.get("partner") ?? 0,
      other: bySource.get("other") ?? 0,
      influenced: sourcing.reduce((sum, s) => sum + s.influenced, 0),
    },
    rejectionTrend: {
      months: monthRates,
      mqlReviewTriggered: monthRates.every(
        (m) => m.rejectionRate !== null && m.rejectionRate > threshold,
      ),
    },
  };
  const trend = weeks.map((w, i) => ({
    weekStart: w.startDate,
    mqls: mqlsBySla[i]!.mqls,
    acceptanceRate: ratio(accepted[i]!, accepted[i]! + rejected[i]!),
    slaCompliance: ratio(mqlsBySla[i]!.withinSla, mqlsBySla[i]!.mqls),
  }));
  return { digest, trend };
}
