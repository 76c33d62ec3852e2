// The review packs' arithmetic on what the database aggregated. Pure, with the digest's
// conventions: a rate with nothing to divide by is null; a lead without a source, industry, size
// or country is counted under "(none)"; groups are listed largest first, then by name.
import { byCodePoint, NO_KEY, ratio } from "../digest/metrics.js";
import type { IcpTerms } from "../definitions/rules.js";
import { median } from "../digest/metrics.js";
import type { FirmographicCount, WonDeal } from "./queries.js";

export const keyOf = (key: string | null): string => key ?? NO_KEY;

export interface KeyedCount {
  key: string;
  count: number;
  share: number | null;
}

/** Counts by key, with each key's share of the total, largest first. */
export function keyedCounts(
  rows: ReadonlyArray<{ key: string | null; count: number }>,
): KeyedCount[] {
  const merged = new Map<string, number>();
  for (const row of rows) merged.set(keyOf(row.key), (merged.get(keyOf(row.key)) ?? 0) + row.count);
  const total = [...merged.values()].reduce((sum, n) => sum + n, 0);
  return [...merged]
    .map(([key, count]) => ({ key, count, share: ratio(count, total) }))
    .sort((a, b) => b.count - a.count || byCodePoint(a.key, b.key));
}

export const DIMENSIONS = ["industry", "companySize", "country"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type Firmographics = Record<Dimension, KeyedCount[]>;

/** One population's firmographics, one dimension at a time. */
export function firmographicsOf(counts: readonly FirmographicCount[]): Firmographics {
  const by = (dimension: Dimension) =>
    keyedCounts(counts.map((c) => ({ key: c[dimension], count: c.count })));
  return { industry: by("industry"), companySize: by("companySize"), country: by("country") };
}

/** Deals counted by their industry, company size and country together. */
export function firmographicCounts(deals: readonly WonDeal[]): FirmographicCount[] {
  const counts = new Map<string, FirmographicCount>();
  for (const deal of deals) {
    // JSON keeps null apart from a literal "null" industry.
    const key = JSON.stringify([deal.industry, deal.companySize, deal.country]);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else
      counts.set(key, {
        industry: deal.industry,
        companySize: deal.companySize,
        country: deal.country,
        count: 1,
      });
  }
  return [...counts.values()];
}

/**
 * Per value of `dimension`: the median amount of the deals that have one, and the median cycle
 * (ms) of all of them. A value whose deals have no amount has no amount median.
 */
export function medianBy(
  deals: readonly WonDeal[],
  dimension: Dimension,
): { amounts: MedianRow[]; cycles: MedianRow[] } {
  const amounts = new Map<string | null, number[]>();
  const cycles = new Map<string | null, number[]>();
  const push = (groups: Map<string | null, number[]>, key: string | null, value: number) => {
    const values = groups.get(key);
    if (values) values.push(value);
    else groups.set(key, [value]);
  };
  for (const deal of deals) {
    const key = deal[dimension];
    if (deal.amount !== null) push(amounts, key, deal.amount);
    push(cycles, key, deal.cycleMs);
  }
  const medians = (groups: Map<string | null, number[]>) =>
    [...groups].map(([key, values]) => ({
      key,
      median: median(values.sort((a, b) => a - b))!,
    }));
  return { amounts: medians(amounts), cycles: medians(cycles) };
}

export interface MedianRow {
  key: string | null;
  median: number;
}

/** Whether a lead's firmographics fit the ICP: each listed dimension must match (case aside). */
export function insideIcp(icp: IcpTerms, lead: Omit<FirmographicCount, "count">): boolean {
  const fits = (allowed: readonly string[], value: string | null) =>
    allowed.length === 0 ||
    (value !== null && allowed.some((a) => a.toLowerCase() === value.toLowerCase()));
  return (
    fits(icp.industries, lead.industry) &&
    fits(icp.companySizes, lead.companySize) &&
    fits(icp.countries, lead.country)
  );
}

export interface IcpFit {
  inside: number;
  outside: number;
  insideShare: number | null;
  outsideShare: number | null;
}

/** How many won deals fall inside and outside the ICP; all null without an agreed ICP. */
export function icpFit(icp: IcpTerms | null, won: readonly FirmographicCount[]): IcpFit | null {
  if (!icp) return null;
  let inside = 0;
  let outside = 0;
  for (const combo of won) {
    if (insideIcp(icp, combo)) inside += combo.count;
    else outside += combo.count;
  }
  return {
    inside,
    outside,
    insideShare: ratio(inside, inside + outside),
    outsideShare: ratio(outside, inside + outside),
  };
}

export interface AcceptanceRow {
  accepted: number;
  rejected: number;
  acceptanceRate: number | null;
}

export const acceptance = (accepted: number, rejected: number): AcceptanceRow => ({
  accepted,
  rejected,
  acceptanceRate: ratio(accepted, accepted + rejected),
});

/** Accepted and rejected counts by key, merged into one row per key, busiest first. */
export function acceptanceByKey(
  accepted: ReadonlyArray<{ key: string | null; count: number }>,
  rejected: ReadonlyArray<{ key: string | null; count: number }>,
): Array<{ key: string } & AcceptanceRow> {
  const rows = new Map<string, { accepted: number; rejected: number }>();
  const row = (key: string | null) => {
    const k = keyOf(key);
    if (!rows.has(k)) rows.set(k, { accepted: 0, rejected: 0 });
    return rows.get(k)!;
  };
  for (const a of accepted) row(a.key).accepted += a.count;
  for (const r of rejected) row(r.key).rejected += r.count;
  return [...rows]
    .map(([key, r]) => ({ key, ...acceptance(r.accepted, r.rejected) }))
    .sort(
      (a, b) => b.accepted + b.rejected - (a.accepted + a.rejected) || byCodePoint(a.key, b.key),
    );
}

/** Share of a quarter's won deals outside the ICP above the threshold brings the ICP review forward. */
export function icpReviewDueEarly(fit: IcpFit | null, threshold: number): boolean {
  return (
    fit?.outsideShare !== null && fit?.outsideShare !== undefined && fit.outsideShare > threshold
  );
}
