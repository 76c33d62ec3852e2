// The ICP review's data pack: the ICP in force, then over the last 12 months of closed deals,
// per industry, company size and country: won, lost, win rate, median deal size and median
// cycle (MQL to won); and the share of won deals inside and outside the ICP. The shape is the
// contract `cadence review icp --json` prints (README).
import { ratio } from "../digest/metrics.js";
import { DEFAULT_OUTSIDE_ICP_THRESHOLD, termsOf } from "../definitions/rules.js";
import type { Period } from "../digest/week.js";
import { packDefinition, type PackDefinition } from "./definition.js";
import { workspaceZone, type ReviewDeps } from "./mql-pack.js";
import { ReviewQueries, type FirmographicCount } from "./queries.js";
import {
  firmographicCounts,
  icpFit,
  keyOf,
  medianBy,
  type Dimension,
  type IcpFit,
} from "./rules.js";
import { lastMonths } from "./window.js";
import { byCodePoint } from "../digest/metrics.js";

export const ICP_REVIEW_MONTHS = 12;
const DAY_MS = 86_400_000;

export interface SegmentRow {
  key: string;
  won: number;
  lost: number;
  winRate: number | null;
  medianAmount: number | null;
  medianCycleDays: number | null;
}

export interface IcpPack {
  kind: "icp";
  window: { from: string; to: string; timezone: string; months: number };
  definition: PackDefinition;
  outsideThreshold: number;
  won: number;
  lost: number;
  winRate: number | null;
  byIndustry: SegmentRow[];
  byCompanySize: SegmentRow[];
  byCountry: SegmentRow[];
  /** Null until an ICP is agreed. */
  icpFit: IcpFit | null;
}

/** Won deals (closed won in `period`) inside and outside the ICP in force. */
export async function icpFitOver(
  deps: ReviewDeps,
  slackTeamId: string,
  period: Period,
  definition: PackDefinition,
) {
  const won = await new ReviewQueries(deps.db, deps.provider, slackTeamId).firmographics(
    "closedWonAt",
    period,
  );
  return icpFit(definition.current ? termsOf("icp", definition.current.terms) : null, won);
}

export async function buildIcpPack(deps: ReviewDeps, slackTeamId: string): Promise<IcpPack> {
  const timezone = await workspaceZone(deps.db, slackTeamId);
  const span = lastMonths(deps.clock.now(), timezone, ICP_REVIEW_MONTHS);
  const q = new ReviewQueries(deps.db, deps.provider, slackTeamId);
  const [definition, wonDeals, lost] = await Promise.all([
    packDefinition(deps, slackTeamId, timezone, "icp"),
    q.wonDeals(span),
    q.firmographics("closedLostAt", span),
  ]);
  const won = firmographicCounts(wonDeals);
  const terms = definition.current ? termsOf("icp", definition.current.terms) : null;
  const segments = (dimension: Dimension) => {
    const { amounts, cycles } = medianBy(wonDeals, dimension);
    return segmentRows(dimension, won, lost, amounts, cycles);
  };
  const wonCount = sum(won);
  const lostCount = sum(lost);
  return {
    kind: "icp",
    window: { from: span.from, to: span.to, timezone, months: ICP_REVIEW_MONTHS },
    definition,
    outsideThreshold: terms?.outsideThreshold ?? DEFAULT_OUTSIDE_ICP_THRESHOLD,
    won: wonCount,
    lost: lostCount,
    winRate: ratio(wonCount, wonCount + lostCount),
    byIndustry: segments("industry"),
    byCompanySize: segments("companySize"),
    byCountry: segments("country"),
    icpFit: icpFit(terms, won),
  };
}

const sum = (counts: readonly FirmographicCount[]) => counts.reduce((n, c) => n + c.count, 0);

/** One row per value of `dimension` that has a won or lost deal, most won first. */
export function segmentRows(
  dimension: Dimension,
  won: readonly FirmographicCount[],
  lost: readonly FirmographicCount[],
  amounts: ReadonlyArray<{ key: string | null; median: number }>,
  cycles: ReadonlyArray<{ key: string | null; median: number }>,
): SegmentRow[] {
  const rows = new Map<string, { won: number; lost: number }>();
  const add = (counts: readonly FirmographicCount[], field: "won" | "lost") => {
    for (const c of counts) {
      const key = keyOf(c[dimension]);
      const row = rows.get(key) ?? { won: 0, lost: 0 };
      row[field] += c.count;
      rows.set(key, row);
    }
  };
  add(won, "won");
  add(lost, "lost");
  const amount = new Map(amounts.map((a) => [keyOf(a.key), a.median]));
  const cycle = new Map(cycles.map((c) => [keyOf(c.key), c.median]));
  return [...rows]
    .map(([key, r]) => ({
      key,
      won: r.won,
      lost: r.lost,
      winRate: ratio(r.won, r.won + r.lost),
      medianAmount: amount.get(key) ?? null,
      medianCycleDays: cycle.has(key) ? cycle.get(key)! / DAY_MS : null,
    }))
    .sort((a, b) => b.won - a.won || b.lost - a.lost || byCodePoint(a.key, b.key));
}
