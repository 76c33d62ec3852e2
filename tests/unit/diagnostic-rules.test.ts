import { describe, expect, it } from "vitest";
import { parseAnswers, MISSING_SCORE } from "../../src/diagnostic/answers.js";
import {
  PATTERNS,
  QUESTIONS,
  addWorkingDays,
  diagnosticResults,
  quarterOf,
  tierOf,
  type AnswerTotal,
} from "../../src/diagnostic/rules.js";
import { diagnosticModal, resultsMessage } from "../../src/diagnostic/views.js";

const NY = "America/New_York";

describe("the questions", () => {
  it("ask ten questions, one or two for each of the eight patterns", () => {
    expect(QUESTIONS).toHaveLength(10);
    for (const { id } of PATTERNS) {
      const count = QUESTIONS.filter((q) => q.pattern === id).length;
      expect(count, id).toBeGreaterThanOrEqual(1);
      expect(count, id).toBeLessThanOrEqual(2);
    }
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(10);
  });

  it("fit in one modal within Slack's limits", () => {
    const view = diagnosticModal({ id: "r1", quarter: "2026-Q4" });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.private_metadata).toBe('{"roundId":"r1"}');
  });
});

describe("working days", () => {
  it("skip weekends and the workspace's holidays, keeping the local time", () => {
    // Tuesday 2026-11-24 11:00 New York; Thursday the 26th is a holiday.
    const opened = new Date("2026-11-24T16:00:00Z");
    expect(addWorkingDays(opened, 3, NY, new Set(["2026-11-26"])).toISOString()).toBe(
      "2026-11-30T16:00:00.000Z",
    );
    expect(addWorkingDays(opened, 3, NY, new Set()).toISOString()).toBe("2026-11-27T16:00:00.000Z");
  });

  it("keep the wall-clock time across a change to daylight saving time", () => {
    // Friday 2026-03-06 11:00 EST; DST starts Sunday the 8th; Wednesday the 11th 11:00 EDT.
    expect(addWorkingDays(new Date("2026-03-06T16:00:00Z"), 3, NY, new Set()).toISOString()).toBe(
      "2026-03-11T15:00:00.000Z",
    );
  });

  it("start from a weekend the next Monday counts as the first", () => {
    expect(addWorkingDays(new Date("2026-11-28T16:00:00Z"), 1, NY, new Set()).toISOString()).toBe(
      "2026-11-30T16:00:00.000Z",
    );
  });
});

describe("quarters", () => {
  it("are read in the workspace's timezone", () => {
    expect(quarterOf(new Date("2027-01-01T03:00:00Z"), NY)).toBe("2026-Q4");
    expect(quarterOf(new Date("2027-01-01T03:00:00Z"), "UTC")).toBe("2027-Q1");
    expect(quarterOf(new Date("2026-04-01T12:00:00Z"), NY)).toBe("2026-Q2");
  });
});

describe("tiers", () => {
  it("follow the overall score as shown, to one decimal", () => {
    expect(tierOf(1).name).toBe("Siloed");
    expect(tierOf(1.94).name).toBe("Siloed");
    expect(tierOf(1.96).name).toBe("Emerging");
    expect(tierOf(2.95).name).toBe("Structured");
    expect(tierOf(3.99).name).toBe("Integrated");
    expect(tierOf(5).tier).toBe(4);
  });
});

/** Every pattern answered `count` times per side with the same score. */
function totals(side: "marketing" | "sales", score: number, count: number): AnswerTotal[] {
  return QUESTIONS.map((q) => ({ side, pattern: q.pattern, sum: score * count, count }));
}

describe("results", () => {
  it("show no figures for a team with fewer than 3 answers, and no gap", () => {
    const results = diagnosticResults({
      quarter: "2026-Q4",
      totals: [...totals("marketing", 5, 2), ...totals("sales", 2, 3)],
      participation: { marketing: { asked: 5, answered: 2 }, sales: { asked: 4, answered: 3 } },
      previous: null,
    });
    expect(results.sides.marketing.patterns).toBeNull();
    expect(results.patterns.every((p) => p.marketing === null && p.gap === null)).toBe(true);
    expect(results.patterns.every((p) => p.sales === 2 && p.team === 2)).toBe(true);
    // Marketing's answers do not leak into the overall score either.
    expect(results.score).toBe(2);
    expect(results.tier?.name).toBe("Emerging");
    const text = JSON.stringify(resultsMessage(results, null).blocks);
    expect(text).not.toContain("5.0");
    expect(text).toContain("fewer than 3 answers");
  });

  it("with neither team at 3 answers, show participation only, with no score or tier", () => {
    const results = diagnosticResults({
      quarter: "2026-Q4",
      totals: [...totals("marketing", 4, 2), ...totals("sales", 2, 1)],
      participation: { marketing: { asked: 5, answered: 2 }, sales: { asked: 4, answered: 1 } },
      previous: { quarter: "2026-Q3", score: 3, tierName: "Structured", patterns: {} },
    });
    expect(results.score).toBeNull();
    expect(results.tier).toBeNull();
    expect(results.change).toBeNull();
    const text = JSON.stringify(resultsMessage(results, "U0DRI").blocks);
    expect(text).toContain("Not enough answers to show results anonymously");
    expect(text).not.toContain("```");
  });

  it("weigh each team the same however many answered, and show the gap and the change", () => {
    const results = diagnosticResults({
      quarter: "2027-Q1",
      totals: [...totals("marketing", 4, 10), ...totals("sales", 2, 3)],
      participation: { marketing: { asked: 12, answered: 10 }, sales: { asked: 4, answered: 3 } },
      previous: {
        quarter: "2026-Q4",
        score: 2.5,
        tierName: "Emerging",
        patterns: { scoring: 2, sla: null },
      },
    });
    expect(results.score).toBe(3);
    expect(results.tier).toEqual({ tier: 3, name: "Structured" });
    expect(results.change).toBe(0.5);
    const scoring = results.patterns.find((p) => p.pattern === "scoring")!;
    expect(scoring).toMatchObject({ marketing: 4, sales: 2, gap: 2, team: 3, change: 1 });
    expect(results.patterns.find((p) => p.pattern === "sla")!.change).toBeNull();
    const text = JSON.stringify(resultsMessage(results, null).blocks);
    expect(text).toContain("The teams see it differently");
    expect(text).toContain("change +0.5");
  });
});

describe("reading answers", () => {
  const state = (scores: Array<string | null>) =>
    Object.fromEntries(
      QUESTIONS.map((q, i) => [
        q.id,
        { [q.id]: { selected_option: scores[i] === null ? null : { value: scores[i] } } },
      ]),
    );

  it("takes one score from 1 to 5 per question", () => {
    const parsed = parseAnswers(state(["1", "2", "3", "4", "5", "1", "2", "3", "4", "5"]));
    expect(parsed.ok && parsed.scores.map((s) => s.score)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });

  it("names each question left out or out of range", () => {
    const parsed = parseAnswers(state(["1", null, "3", "4", "9", "1", "2", "3", "4", "5"]));
    expect(parsed).toEqual({
      ok: false,
      errors: { [QUESTIONS[1]!.id]: MISSING_SCORE, [QUESTIONS[4]!.id]: MISSING_SCORE },
    });
  });

  it("refuses a payload that is not state values at all", () => {
    const parsed = parseAnswers("nonsense");
    expect(!parsed.ok && Object.keys(parsed.errors)).toHaveLength(10);
  });
});
