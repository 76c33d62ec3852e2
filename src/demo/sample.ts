// A realistic, deterministic funnel for the demo and the benchmarks: reps with their own response
// habits, teams, lead sources with different quality, rejection reasons, opportunities, wins and
// losses, and rejections that creep up in the last two months (so the MQL-review alert shows).
import type { RowSource, SourceRow } from "../funnel/csv.js";
import { LEAD_COLUMNS } from "../funnel/rules.js";

const REPS = [
  { owner: "ana@acme.test", team: "East", medianMinutes: 3 },
  { owner: "ben@acme.test", team: "East", medianMinutes: 12 },
  { owner: "chloe@acme.test", team: "East", medianMinutes: 6 },
  { owner: "dev@acme.test", team: "West", medianMinutes: 2 },
  { owner: "emma@acme.test", team: "West", medianMinutes: 25 },
  { owner: "farid@acme.test", team: "West", medianMinutes: 8 },
  { owner: "gwen@acme.test", team: "Enterprise", medianMinutes: 45 },
  { owner: "hugo@acme.test", team: "Enterprise", medianMinutes: 15 },
];
const SOURCES = [
  { source: "webinar", weight: 3, fit: 0.62 },
  { source: "paid search", weight: 4, fit: 0.48 },
  { source: "content download", weight: 3, fit: 0.42 },
  { source: "events", weight: 2, fit: 0.66 },
  { source: "referral", weight: 1, fit: 0.8 },
  { source: "outbound", weight: 2, fit: 0.58 },
];
const REASONS = [
  ["wrong company size", 4],
  ["wrong persona", 3],
  ["no budget", 2],
  ["timing", 2],
  ["competitor customer", 1],
] as const;
const INDUSTRIES = ["software", "financial services", "manufacturing", "healthcare", "retail"];
const SIZES = ["11-50", "51-200", "201-1000", "1000+"];
const COUNTRIES = ["US", "US", "US", "GB", "DE", "CA"];

const DAY = 86_400_000;

/** A small linear congruential generator: the same seed gives the same funnel. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    next,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: ReadonlyArray<readonly [T, number]>) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [item, w] of items) if ((roll -= w) < 0) return item;
      return items.at(-1)![0];
    },
  };
}

export interface SampleOptions {
  /** How many leads. */
  count: number;
  /** MQL times spread over this span, ending here (exclusive). */
  end: Date;
  days: number;
  seed?: number;
}

/** Lead records as a CRM export would have them (CSV-shaped strings), generated lazily. */
export function* sampleLeads(options: SampleOptions): Generator<Record<string, string>> {
  const r = random(options.seed ?? 7);
  const start = options.end.getTime() - options.days * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const sourceTable = SOURCES.map((s) => [s, s.weight] as const);
  for (let i = 0; i < options.count; i += 1) {
    // Spread at random over the span, so weekly volumes vary as they do.
    const mql = Math.floor(start + r.next() * options.days * DAY);
    const rep = r.pick(REPS);
    const source = r.weighted(sourceTable);
    // Response time: log-normal around the rep's median; 8% never touched; 5% touched before.
    const roll = r.next();
    const touch =
      roll < 0.08
        ? null
        : roll < 0.13
          ? mql - Math.floor(r.next() * 600_000)
          : mql + Math.floor(rep.medianMinutes * 60_000 * Math.exp((r.next() - 0.5) * 2.2));
    // The last 60 days see more rejections: the MQL definition is drifting.
    const recent = mql > options.end.getTime() - 60 * DAY;
    const fit = source.fit + 0.12 - (recent ? 0.2 : 0);
    const decided = mql + DAY + Math.floor(r.next() * 3 * DAY);
    const reviewed = r.next() < 0.92;
    const accepted = reviewed && r.next() < fit;
    const rejected = reviewed && !accepted;
    const opportunity = accepted && r.next() < 0.45 ? decided + Math.floor(r.next() * 10 * DAY) : null;
    const outcome = opportunity ? r.next() : 1;
    const closed = opportunity ? opportunity + Math.floor((20 + r.next() * 70) * DAY) : null;
    const sourcedBy = r.weighted([
      ["marketing", 6],
      ["sales", 2],
      ["partner", 1],
      ["other", 1],
    ] as const);
    yield {
      id: `DEMO-${String(i + 1).padStart(7, "0")}`,
      mql_at: iso(mql),
      first_touch_at: touch === null ? "" : iso(touch),
      accepted_at: accepted ? iso(decided) : "",
      rejected_at: rejected ? iso(decided) : "",
      rejection_reason: rejected ? r.weighted(REASONS) : "",
      opportunity_at: opportunity ? iso(opportunity) : "",
      closed_won_at: closed && outcome < 0.28 ? iso(closed) : "",
      closed_lost_at: closed && outcome >= 0.28 && outcome < 0.85 ? iso(closed) : "",
      amount: opportunity ? (5_000 + Math.round(r.next() * 11_500) * 10).toFixed(2) : "",
      owner: rep.owner,
      team: rep.team,
      source: source.source,
      sourced_by: sourcedBy,
      influenced: sourcedBy === "marketing" || r.next() < 0.55 ? "true" : "false",
      industry: r.pick(INDUSTRIES),
      company_size: r.pick(SIZES),
      country: r.pick(COUNTRIES),
    };
  }
}

/** The sample as an import source, streamed (a million rows never sit in memory). */
export function sampleSource(options: SampleOptions): RowSource {
  let produced = 0;
  return {
    header: () => Promise.resolve([...LEAD_COLUMNS]),
    // eslint-disable-next-line @typescript-eslint/require-await
    rows: async function* (): AsyncGenerator<SourceRow> {
      let line = 1;
      for (const raw of sampleLeads(options)) {
        produced += 1;
        yield { line: (line += 1), raw };
      }
    },
    progress: () => ({ read: produced, total: options.count }),
  };
}
