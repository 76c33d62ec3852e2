// The digest's arithmetic, on numbers the database has already aggregated (or, for speed to lead,
// on the response times of one week's MQLs). Pure, so every rule is unit-tested by hand:
// - a rate with a zero denominator is null, never NaN or 0;
// - the median of an even count is the mean of the two middle values; p90 is the nearest rank;
// - an untouched MQL is an SLA breach; a first touch before the MQL is an immediate response.

export const ratio = (part: number, whole: number): number | null =>
  whole === 0 ? null : part / whole;

/** The usual median: the middle value, or the mean of the two middle values. Null when empty. */
export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const middle = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The nearest-rank percentile: the smallest value with at least p of the values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

export interface MqlResponse {
  owner: string | null;
  team: string | null;
  source: string | null;
  /** first touch minus MQL time in ms; null when not touched (yet). */
  responseMs: number | null;
}

export interface SpeedToLeadStats {
  mqls: number;
  untouched: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  slaCompliance: number | null;
}

export interface KeyedSpeedToLead extends SpeedToLeadStats {
  key: string;
}

export interface SpeedToLead extends SpeedToLeadStats {
  slaMinutes: number;
  byRep: KeyedSpeedToLead[];
  byTeam: KeyedSpeedToLead[];
  bySource: KeyedSpeedToLead[];
}

/** Shown for a record without an owner, team or source. */
export const NO_KEY = "(none)";

export function speedToLeadStats(
  responses: readonly MqlResponse[],
  slaMinutes: number,
): SpeedToLeadStats {
  const minutes = responses
    .filter((r) => r.responseMs !== null)
    .map((r) => Math.max(0, r.responseMs!) / 60_000)
    .sort((a, b) => a - b);
  const withinSla = minutes.filter((m) => m <= slaMinutes).length;
  return {
    mqls: responses.length,
    untouched: responses.length - minutes.length,
    medianMinutes: median(minutes),
    p90Minutes: nearestRank(minutes, 0.9),
    slaCompliance: ratio(withinSla, responses.length),
  };
}

export function speedToLead(responses: readonly MqlResponse[], slaMinutes: number): SpeedToLead {
  const by = (keyOf: (r: MqlResponse) => string | null): KeyedSpeedToLead[] => {
    const groups = new Map<string, MqlResponse[]>();
    for (const response of responses) {
      const key = keyOf(response) ?? NO_KEY;
      groups.set(key, [...(groups.get(key) ?? []), response]);
    }
    return [...groups.keys()]
      .sort(byCodePoint)
      .map((key) => ({ key, ...speedToLeadStats(groups.get(key)!, slaMinutes) }));
  };
  return {
    slaMinutes,
    ...speedToLeadStats(responses, slaMinutes),
    byRep: by((r) => r.owner),
    byTeam: by((r) => r.team),
    bySource: by((r) => r.source),
  };
}

/** A stable order that does not depend on the machine's locale. */
export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface RejectionReason {
  reason: string;
  count: number;
  share: number;
}

export function rejectionReasons(counts: ReadonlyArray<{ reason: string | null; count: number }>) {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return counts
    .map((c): RejectionReason => ({
      reason: c.reason ?? NO_KEY,
      count: c.count,
      share: c.count / total,
    }))
    .sort((a, b) => b.count - a.count || byCodePoint(a.reason, b.reason));
}

/**
 * The exact sum of decimal amounts written as text ("1200.5", "-3", "0.10"): summed as scaled
 * integers, so 0.1 + 0.2 is 0.3. Returned as the nearest number to that exact sum.
 */
export function sumDecimals(amounts: readonly string[]): number {
  const scale = Math.max(0, ...amounts.map((a) => a.split(".")[1]?.length ?? 0));
  let total = 0n;
  for (const amount of amounts) {
    const negative = amount.startsWith("-");
    const [whole = "0", fraction = ""] = amount.replace(/^[-+]/, "").split(".");
    const scaled = BigInt(whole + fraction.padEnd(scale, "0"));
    total += negative ? -scaled : scaled;
  }
  const sign = total < 0n ? "-" : "";
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
  return Number(
    scale ? `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` : `${sign}${digits}`,
  );
}
