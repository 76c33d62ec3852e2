// Time to roll up a month of AE feedback: buildRollUp over generated notes (realistic picklists,
// typed-in competitors in varying case, free-text objections and quotes), then the computed
// summary and the Block Kit message. In memory; the median of several warm runs.
import { buildRollUp } from "../src/feedback/rollup.js";
import { rollUpBlocks } from "../src/feedback/rollup-views.js";
import { deterministicSummary } from "../src/feedback/summary.js";
import {
  DEFAULT_LOSS_REASONS,
  DEFAULT_WIN_REASONS,
  DEAL_STAGES,
  HELPED,
  OUTCOMES,
  type FeedbackNote,
} from "../src/feedback/types.js";
import { percentile } from "./stats.js";

const MONTH = "2026-10";
const COMPETITORS = ["Gong", "Chorus", "Clari", "Outreach", "Salesloft", "People.ai", "Avoma"];
const ASSETS = [
  "Pricing one-pager",
  "ROI calculator",
  "Security whitepaper",
  "Case study: Initech",
  "Case study: Globex",
  "Product demo video",
  "Implementation plan template",
  "Competitive battlecard: Gong",
  "Integration guide",
  "Analyst report",
];
const OBJECTIONS = [
  "No SOC 2 report we can share before the NDA",
  "They asked for our SOC 2 reports again",
  "Data residency in the EU",
  "How do we compare to Gong on price",
  "No case study in healthcare",
  "Implementation takes too long for their team",
  "Need an on-prem option",
  "Salesforce integration limits",
  "ROI for a team under 20 reps",
];
const ASIDES = ["", "", " (procurement asked)", ", again", " for the security team"];
const SAYINGS = [
  "The CFO said the payback period finally made sense once we walked through the calculator.",
  "They liked the case study but wanted one from a company their size.",
  "The security team had no further questions after the whitepaper.",
  "Too long; the champion said nobody on the committee would read it.",
  "They forwarded it to procurement the same day.",
];

/** A small seeded generator, so every run measures the same notes. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateNotes(count: number, seed = 42): FeedbackNote[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const start = Date.UTC(2026, 9, 1);
  return Array.from({ length: count }, (_, i): FeedbackNote => {
    const stored = {
      id: `note-${i}`,
      slackTeamId: "T0BENCH",
      authorSlackUserId: `U0AE${String(i % 40).padStart(5, "0")}`,
      authorName: `AE ${i % 40}`,
      month: MONTH,
      submittedAt: new Date(start + Math.floor(next() * 30 * 86_400_000)),
    };
    if (next() < 0.5) {
      const outcome = pick(OUTCOMES);
      const typed = next() < 0.1 ? [`Startup ${i % 300}`] : [];
      return {
        ...stored,
        kind: "winloss",
        dealName: `Deal ${i}`,
        crmId: `006${i}`,
        amount: `${Math.round(next() * 200_000)}.00`,
        outcome,
        primaryReason: pick(outcome === "won" ? DEFAULT_WIN_REASONS : DEFAULT_LOSS_REASONS),
        nearlyLost: `${pick(SAYINGS)} (deal ${i})`,
        competitors: [next() < 0.5 ? pick(COMPETITORS) : pick(COMPETITORS).toLowerCase(), ...typed],
        notes: next() < 0.3 ? `${pick(SAYINGS)} ${pick(SAYINGS)}` : null,
      };
    }
    return {
      ...stored,
      kind: "content",
      asset: pick(ASSETS),
      assetUrl: null,
      stage: pick(DEAL_STAGES),
      helped: pick(HELPED),
      buyerSaid: pick(SAYINGS),
      uncoveredObjections:
        next() < 0.4 ? `${pick(OBJECTIONS)}${pick(ASIDES)}\n${pick(OBJECTIONS)}` : null,
    };
  });
}

export interface RollUpBench {
  notes: number;
  /** buildRollUp, median of warm runs. */
  buildMs: number;
  /** deterministicSummary and rollUpBlocks, median of warm runs. */
  blocksMs: number;
}

export async function benchRollUpBuild(notes = 10_000, runs = 7): Promise<RollUpBench> {
  const generated = generateNotes(notes);
  const build: number[] = [];
  const blocks: number[] = [];
  for (let run = 0; run <= runs; run += 1) {
    await new Promise((resolve) => setImmediate(resolve)); // one run per turn of the event loop
    const started = performance.now();
    const rollUp = buildRollUp(MONTH, generated);
    const built = performance.now();
    const text = deterministicSummary(rollUp);
    const message = rollUpBlocks(
      rollUp,
      { source: "deterministic", text, reason: "bench" },
      { monthLabel: "October 2026" },
    );
    const rendered = performance.now();
    if (rollUp.winLoss.total + rollUp.content.total !== notes || message.length === 0) {
      throw new Error("the bench roll-up lost notes");
    }
    if (run === 0) continue; // cold: JIT warm-up
    build.push(built - started);
    blocks.push(rendered - built);
  }
  return { notes, buildMs: percentile(build, 50), blocksMs: percentile(blocks, 50) };
}
