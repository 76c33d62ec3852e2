// The quarterly alignment diagnostic's rules, apart from Slack and the database: the eight failure
// patterns and their questions, the scoring (per pattern, per side, the gap between the sides),
// the maturity tiers, anonymity's minimum of answers and the window in working days.
// docs/domain.md explains each choice.
import { DateTime } from "luxon";

export const SIDES = ["marketing", "sales"] as const;
export type Side = (typeof SIDES)[number];

export const PATTERNS = [
  { id: "scoring", label: "Scoring model calibrated" },
  { id: "sla", label: "SLA documented and monitored" },
  { id: "pipeline_truth", label: "One source of pipeline truth" },
  { id: "field_feedback", label: "Field feedback reaches marketing" },
  { id: "icp", label: "ICP documented" },
  { id: "handoff", label: "Handoff automated" },
  { id: "attribution", label: "Attribution agreed" },
  { id: "cadence_owners", label: "Cadences owned by named people" },
] as const;
export type PatternId = (typeof PATTERNS)[number]["id"];

export interface Question {
  id: string;
  pattern: PatternId;
  text: string;
}

/** Ten statements, one or two per pattern, each answered 1 (not at all true) to 5 (fully true). */
export const QUESTIONS: readonly Question[] = [
  {
    id: "scoring_closed_won",
    pattern: "scoring",
    text: "Our MQL scoring was checked against recent closed-won deals in the last six months.",
  },
  {
    id: "scoring_reasons",
    pattern: "scoring",
    text: "Marketing and sales work from the same written MQL definition, and every rejected MQL carries a reason.",
  },
  {
    id: "sla_written",
    pattern: "sla",
    text: "A response-time SLA for inbound MQLs is written down and both team leaders signed it.",
  },
  {
    id: "sla_visible",
    pattern: "sla",
    text: "Response times against that SLA are visible to both teams every week.",
  },
  {
    id: "pipeline_one_number",
    pattern: "pipeline_truth",
    text: "Marketing and sales quote the same pipeline number, taken from the CRM.",
  },
  {
    id: "feedback_monthly",
    pattern: "field_feedback",
    text: "What sales hears in deals (why we win or lose, objections, which content helps) reaches marketing at least monthly.",
  },
  {
    id: "icp_written",
    pattern: "icp",
    text: "Our ideal customer profile is written down, built from closed-won data and reviewed in the last six months.",
  },
  {
    id: "handoff_routed",
    pattern: "handoff",
    text: "A new MQL is routed to a named rep automatically, with no manual queue or assignment step.",
  },
  {
    id: "attribution_agreed",
    pattern: "attribution",
    text: "Both teams agreed how marketing-sourced and marketing-influenced pipeline are counted.",
  },
  {
    id: "cadences_named",
    pattern: "cadence_owners",
    text: "Every alignment meeting and review has a named owner, and they still happen when things get busy.",
  },
];

export const SCALE = [1, 2, 3, 4, 5] as const;
export const SCALE_LABELS: Record<(typeof SCALE)[number], string> = {
  1: "1 · Not at all",
  2: "2 · Rarely",
  3: "3 · Partly",
  4: "4 · Mostly",
  5: "5 · Fully",
};

/** A side with fewer answers than this gets no figures at all: a small group is not anonymous. */
export const MIN_ANSWERS = 3;
/** The reminder goes this many working days after the diagnostic opens. */
export const REMINDER_WORKING_DAYS = 3;
/** The window closes this many working days after it opens. */
export const WINDOW_WORKING_DAYS = 10;
/** A gap between the sides this wide (points on the 1-5 scale) is called out in the results. */
export const NOTABLE_GAP = 1;

export const TIERS = [
  { tier: 1, name: "Siloed", from: 1 },
  { tier: 2, name: "Emerging", from: 2 },
  { tier: 3, name: "Structured", from: 3 },
  { tier: 4, name: "Integrated", from: 4 },
] as const;
export type Tier = (typeof TIERS)[number];

/** One decimal, as shown; a tiny nudge so 2.95 (stored as 2.9499…) reads 3.0 as people expect. */
export const roundScore = (value: number): number => Math.round((value + 1e-9) * 10) / 10;

/** The tier of an overall score, read at the precision people see. */
export function tierOf(score: number): Tier {
  const shown = roundScore(score);
  return [...TIERS].reverse().find((t) => shown >= t.from) ?? TIERS[0];
}

/** The database's sums per side and question: numbers come from aggregation, not from rows. */
export interface AnswerTotal {
  side: Side;
  pattern: string;
  sum: number;
  count: number;
}

export interface SideResult {
  side: Side;
  asked: number;
  answered: number;
  /** Per pattern, the mean score; null when fewer than MIN_ANSWERS answered (nothing shown). */
  patterns: Record<PatternId, number> | null;
  score: number | null;
}

export interface PatternRow {
  pattern: PatternId;
  label: string;
  marketing: number | null;
  sales: number | null;
  /** marketing - sales, when both are shown. */
  gap: number | null;
  /** The mean of the sides shown. */
  team: number | null;
  /** team minus last quarter's team score, when both exist. */
  change: number | null;
}

export interface DiagnosticResults {
  quarter: string;
  sides: Record<Side, SideResult>;
  patterns: PatternRow[];
  /** The mean of the patterns' team scores; null when no side has enough answers. */
  score: number | null;
  tier: { tier: number; name: string } | null;
  previous: { quarter: string; score: number; tierName: string } | null;
  /** score minus the previous quarter's. */
  change: number | null;
}

const mean = (values: number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

function sideResult(
  side: Side,
  totals: readonly AnswerTotal[],
  asked: number,
  answered: number,
): SideResult {
  if (answered < MIN_ANSWERS) return { side, asked, answered, patterns: null, score: null };
  const patterns = Object.fromEntries(
    PATTERNS.map(({ id }) => {
      const rows = totals.filter((t) => t.side === side && t.pattern === id);
      const sum = rows.reduce((s, r) => s + r.sum, 0);
      const count = rows.reduce((s, r) => s + r.count, 0);
      return [id, count ? sum / count : 0];
    }),
  ) as Record<PatternId, number>;
  return { side, asked, answered, patterns, score: mean(Object.values(patterns)) };
}

/**
 * The results of a closed diagnostic: each side's mean per pattern (hidden under MIN_ANSWERS),
 * the gap between the sides, the team score (the mean of the sides shown, each side weighing the
 * same however many answered), the overall score, its tier and the change from last quarter.
 */
export function diagnosticResults(input: {
  quarter: string;
  totals: readonly AnswerTotal[];
  participation: Record<Side, { asked: number; answered: number }>;
  previous: {
    quarter: string;
    score: number;
    tierName: string;
    patterns: Partial<Record<string, number | null>>;
  } | null;
}): DiagnosticResults {
  const sides = {
    marketing: sideResult(
      "marketing",
      input.totals,
      input.participation.marketing.asked,
      input.participation.marketing.answered,
    ),
    sales: sideResult(
      "sales",
      input.totals,
      input.participation.sales.asked,
      input.participation.sales.answered,
    ),
  };
  const patterns: PatternRow[] = PATTERNS.map(({ id, label }) => {
    const marketing = sides.marketing.patterns?.[id] ?? null;
    const sales = sides.sales.patterns?.[id] ?? null;
    const shown = [marketing, sales].filter((v): v is number => v !== null);
    const team = shown.length ? mean(shown) : null;
    const before = input.previous?.patterns[id] ?? null;
    return {
      pattern: id,
      label,
      marketing,
      sales,
      gap: marketing !== null && sales !== null ? marketing - sales : null,
      team,
      change: team !== null && before !== null ? team - before : null,
    };
  });
  const teams = patterns.map((p) => p.team).filter((v): v is number => v !== null);
  const score = teams.length ? mean(teams) : null;
  const tier = score === null ? null : tierOf(score);
  return {
    quarter: input.quarter,
    sides,
    patterns,
    score,
    tier: tier && { tier: tier.tier, name: tier.name },
    previous: input.previous && {
      quarter: input.previous.quarter,
      score: input.previous.score,
      tierName: input.previous.tierName,
    },
    change: score !== null && input.previous ? score - input.previous.score : null,
  };
}

/** The quarter an instant falls in, in `timezone`: "2026-Q4". */
export function quarterOf(at: Date, timezone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  return `${local.year}-Q${Math.ceil(local.month / 3)}`;
}

export const quarterLabel = (quarter: string): string => quarter.replace("-Q", " Q");

/**
 * The instant `days` working days after `from`, at the same local time in `timezone`: weekends
 * and the workspace's holidays (local YYYY-MM-DD dates) do not count.
 */
export function addWorkingDays(
  from: Date,
  days: number,
  timezone: string,
  holidays: ReadonlySet<string>,
): Date {
  let day = DateTime.fromJSDate(from, { zone: timezone });
  let left = days;
  while (left > 0) {
    day = day.plus({ days: 1 });
    if (day.weekday >= 6 || holidays.has(day.toISODate()!)) continue;
    left -= 1;
  }
  return day.toJSDate();
}
