import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { buildRollUp, objectionTerms } from "../../src/feedback/rollup.js";
import { rollUpBlocks, rollUpText } from "../../src/feedback/rollup-views.js";
import { deterministicSummary, type ThemeSummary } from "../../src/feedback/summary.js";
import type { ContentNote, WinLossNote } from "../../src/feedback/types.js";
import { fallbackText } from "../../src/slack/blocks.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

const MONTH = "2026-05";
let sequence = 0;

function stored() {
  sequence += 1;
  return {
    id: `note-${sequence}`,
    slackTeamId: "T0TEST",
    authorSlackUserId: "U0AE00001",
    authorName: "Dana Whitfield",
    month: MONTH,
    submittedAt: new Date(Date.UTC(2026, 4, 1, 9, 0, sequence)),
  };
}

function winLoss(fields: Partial<WinLossNote> = {}): WinLossNote {
  return {
    ...stored(),
    kind: "winloss",
    dealName: "Acme deal",
    crmId: null,
    amount: null,
    outcome: "won",
    primaryReason: "product fit",
    nearlyLost: "",
    competitors: [],
    notes: null,
    ...fields,
  };
}

function content(fields: Partial<ContentNote> = {}): ContentNote {
  return {
    ...stored(),
    kind: "content",
    asset: "Pricing one-pager",
    assetUrl: null,
    stage: "evaluation",
    helped: "helped",
    buyerSaid: "",
    uncoveredObjections: null,
    ...fields,
  };
}

const computed: ThemeSummary = { source: "deterministic", text: "• A theme.", reason: "test" };

describe("buildRollUp: win/loss", () => {
  it("counts outcomes and orders reasons by count, then by name on ties", () => {
    const rollUp = buildRollUp(MONTH, [
      winLoss({ outcome: "won", primaryReason: "relationship" }),
      winLoss({ outcome: "won", primaryReason: "integration" }),
      winLoss({ outcome: "won", primaryReason: "product fit" }),
      winLoss({ outcome: "won", primaryReason: "Product fit " }),
      winLoss({ outcome: "lost", primaryReason: "price" }),
      winLoss({ outcome: "no_decision", primaryReason: "timing" }),
      winLoss({ outcome: "no_decision", primaryReason: "price" }),
    ]);
    expect(rollUp.winLoss.total).toBe(7);
    expect(rollUp.winLoss.byOutcome).toEqual({ won: 4, lost: 1, no_decision: 2 });
    expect(rollUp.winLoss.topReasonsWon).toEqual([
      { reason: "product fit", count: 2 },
      { reason: "integration", count: 1 },
      { reason: "relationship", count: 1 },
    ]);
    expect(rollUp.winLoss.topReasonsLost).toEqual([
      { reason: "price", count: 2 },
      { reason: "timing", count: 1 },
    ]);
  });

  it("keeps the top five reasons", () => {
    const reasons = ["a", "b", "c", "d", "e", "f", "g"];
    const rollUp = buildRollUp(
      MONTH,
      reasons.map((primaryReason) => winLoss({ primaryReason })),
    );
    expect(rollUp.winLoss.topReasonsWon.map((r) => r.reason)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("merges competitors case-insensitively, shown as first written, win rate without no-decision deals", () => {
    const rollUp = buildRollUp(MONTH, [
      winLoss({ outcome: "won", competitors: ["Gong"] }),
      winLoss({ outcome: "lost", competitors: ["gong", "Chorus"] }),
      winLoss({ outcome: "no_decision", competitors: [" GONG "] }),
      winLoss({ outcome: "won", competitors: ["Gong", "gong"] }),
      winLoss({ outcome: "no_decision", competitors: ["Clari"] }),
    ]);
    expect(rollUp.winLoss.competitors).toEqual([
      { name: "Gong", deals: 4, won: 2, lost: 1, winRate: 2 / 3 },
      { name: "Chorus", deals: 1, won: 0, lost: 1, winRate: 0 },
      { name: "Clari", deals: 1, won: 0, lost: 0, winRate: null },
    ]);
  });

  it("does not depend on the order the notes arrive in", () => {
    const notes = [
      winLoss({ outcome: "won", competitors: ["gong"] }),
      winLoss({ outcome: "lost", competitors: ["Gong"] }),
    ];
    expect(buildRollUp(MONTH, [...notes].reverse())).toEqual(buildRollUp(MONTH, notes));
    expect(buildRollUp(MONTH, notes).winLoss.competitors[0]!.name).toBe("gong");
  });

  it("ignores notes of other months", () => {
    const rollUp = buildRollUp(MONTH, [winLoss(), winLoss({ month: "2026-04" })]);
    expect(rollUp.winLoss.total).toBe(1);
  });
});

describe("buildRollUp: content", () => {
  it("counts each asset's use and helped rate, most used first", () => {
    const rollUp = buildRollUp(MONTH, [
      content({ asset: "ROI calculator", helped: "helped" }),
      content({ asset: "Pricing one-pager", helped: "helped" }),
      content({ asset: "pricing one-pager", helped: "hurt" }),
      content({ asset: "Pricing One-Pager", helped: "neutral" }),
      content({ asset: "Case study: Initech", helped: "neutral" }),
    ]);
    expect(rollUp.content.total).toBe(5);
    expect(rollUp.content.assets).toEqual([
      { asset: "Pricing one-pager", used: 3, helped: 1, neutral: 1, hurt: 1, helpedRate: 1 / 3 },
      { asset: "Case study: Initech", used: 1, helped: 0, neutral: 1, hurt: 0, helpedRate: 0 },
      { asset: "ROI calculator", used: 1, helped: 1, neutral: 0, hurt: 0, helpedRate: 1 },
    ]);
  });

  it("groups uncovered objections with the same key terms, and more detailed ones with them", () => {
    const rollUp = buildRollUp(MONTH, [
      content({ uncoveredObjections: "No SOC 2 report" }),
      content({ uncoveredObjections: "They asked for our SOC 2 reports!" }),
      content({ uncoveredObjections: "soc 2 report; data residency in the EU" }),
      content({ uncoveredObjections: "Data residency (EU)?" }),
      content({ uncoveredObjections: "- SOC2 reports, needed before procurement signs" }),
      content({ uncoveredObjections: "EU data residency for the security team" }),
      content({ uncoveredObjections: "How do we compare to Gong on price" }),
      content({ uncoveredObjections: "none" }),
      content({ uncoveredObjections: "   " }),
    ]);
    const themes = rollUp.content.uncoveredObjections;
    expect(themes.map((t) => [t.theme, t.count])).toEqual([
      ["soc 2 report", 4],
      ["Data residency (EU)?", 3],
      ["How do we compare to Gong on price", 1],
    ]);
    expect(themes[0]!.examples).toEqual([
      "soc 2 report",
      "No SOC 2 report",
      "They asked for our SOC 2 reports!",
    ]);
  });

  it("reduces an objection to its key terms", () => {
    expect(objectionTerms("They asked for our SOC-2 reports, again!").sort()).toEqual([
      "2",
      "report",
      "soc",
    ]);
    expect(objectionTerms("Security policies")).toEqual(["security", "policy"]);
    expect(objectionTerms("SOC2")).toEqual(["soc", "2"]);
  });

  it("picks the longest distinct texts as quotes, with their context", () => {
    const rollUp = buildRollUp(MONTH, [
      winLoss({
        outcome: "lost",
        dealName: "Acme deal",
        nearlyLost: "A reference customer in healthcare would have won it for us.",
      }),
      winLoss({ nearlyLost: "short" }),
      content({ buyerSaid: "The one-pager answered the CFO's questions in one go." }),
      content({ buyerSaid: "the one-pager answered the CFO's questions in one go." }),
    ]);
    expect(rollUp.quotes).toEqual([
      {
        kind: "winloss",
        text: "A reference customer in healthcare would have won it for us.",
        context: "Lost · Acme deal",
      },
      {
        kind: "content",
        text: "The one-pager answered the CFO's questions in one go.",
        context: "Pricing one-pager · helped",
      },
    ]);
  });

  it("gives zeros, nulls and empty lists for an empty month, and no NaN anywhere", () => {
    const rollUp = buildRollUp(MONTH, []);
    expect(rollUp).toEqual({
      month: MONTH,
      winLoss: {
        total: 0,
        byOutcome: { won: 0, lost: 0, no_decision: 0 },
        topReasonsWon: [],
        topReasonsLost: [],
        competitors: [],
      },
      content: { total: 0, assets: [], uncoveredObjections: [] },
      quotes: [],
    });
    expect(JSON.stringify(rollUp)).not.toContain("null");
    expect(deterministicSummary(rollUp)).toContain("No field feedback");
    const blocks = rollUpBlocks(rollUp, computed, { monthLabel: "May 2026" });
    expect(JSON.stringify(blocks)).toContain("No field feedback was submitted for May 2026.");
    expect(JSON.stringify(blocks)).not.toMatch(/NaN|undefined/);
  });

  it("finds no NaN when only one kind of note came in", () => {
    const rollUp = buildRollUp(MONTH, [winLoss({ competitors: ["Gong"] })]);
    const text = JSON.stringify([rollUp, rollUpBlocks(rollUp, computed, { monthLabel: "May" })]);
    expect(text).not.toMatch(/NaN|undefined/);
    expect(rollUpText(rollUp, computed)).not.toMatch(/NaN|undefined/);
  });
});

describe("deterministicSummary", () => {
  it("says the outcomes, the top reasons, competitors, assets and objections in plain bullets", () => {
    const rollUp = buildRollUp(MONTH, [
      winLoss({ outcome: "won", primaryReason: "integration", competitors: ["Gong"] }),
      winLoss({ outcome: "lost", primaryReason: "price", competitors: ["Gong"] }),
      content({ asset: "ROI calculator", uncoveredObjections: "No SOC 2 report" }),
    ]);
    expect(deterministicSummary(rollUp)).toBe(
      [
        "• 2 win/loss notes: 1 won, 1 lost, 0 no decision.",
        "• Deals were won most on integration (1).",
        "• Deals were lost or stalled most on price (1).",
        "• Competitors seen most: Gong (2 deals, win rate 50%).",
        "• 1 content note on 1 asset; used most: ROI calculator (1 time, helped in 100%).",
        "• Objections no content covers: No SOC 2 report (1).",
      ].join("\n"),
    );
  });
});

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === "section") {
      return [block.text?.text ?? "", ...(block.fields ?? []).map((f) => f.text)];
    }
    if (block.type === "context") {
      return block.elements.map((e) => ("text" in e ? e.text : ""));
    }
    return [];
  });
}

/** 10,000 notes with a long tail of competitors, assets and objections. */
function manyNotes(): Array<WinLossNote | ContentNote> {
  return Array.from({ length: 10_000 }, (_, i) =>
    i % 2
      ? winLoss({
          outcome: (["won", "lost", "no_decision"] as const)[i % 3]!,
          primaryReason: `reason ${i % 40} ${"x".repeat(60)}`,
          competitors: [`Competitor ${i % 700} ${"y".repeat(50)}`, "Gong"],
          nearlyLost: `Nearly lost it over ${i} things `.repeat(30),
        })
      : content({
          asset: `Asset ${i % 900} ${"z".repeat(70)}`,
          helped: (["helped", "neutral", "hurt"] as const)[i % 3]!,
          buyerSaid: `Buyer said ${i} <!channel> `.repeat(40),
          uncoveredObjections: `objection topic${i % 1000} detail${i % 7} ${"w".repeat(90)}`,
        }),
  );
}

describe("rollUpBlocks", () => {
  it("shows outcomes, reasons, competitors, objections, assets, quotes and which summary it is", () => {
    const rollUp = buildRollUp(MONTH, [
      winLoss({
        outcome: "lost",
        primaryReason: "price",
        competitors: ["Gong"],
        nearlyLost: "A reference customer in healthcare would have won it for us.",
      }),
      content({ uncoveredObjections: "No SOC 2 report" }),
    ]);
    const blocks = rollUpBlocks(
      rollUp,
      { source: "model", model: "gpt-4o-mini", text: "- **Price** is the theme" },
      { monthLabel: "May 2026", driSlackUserId: "U0DRI0001" },
    );
    expect(blocks[0]).toMatchObject({ text: { text: "Field feedback · May 2026" } });
    const text = sectionTexts(blocks).join("\n");
    for (const expected of [
      "*Lost*\n1",
      "*Top reasons lost* (lost and no decision): price 1",
      "*Gong*: 1 deal, 0 won, 1 lost, win rate 0%",
      "*No SOC 2 report* ×1",
      "*Pricing one-pager*: used 1, helped 1, neutral 0, hurt 0 (helped 100%)",
      "> A reference customer in healthcare would have won it for us.\n— _Lost · Acme deal_",
      "• *Price* is the theme",
      "Summary by gpt-4o-mini",
      "DRI: <@U0DRI0001>",
    ]) {
      expect(text).toContain(expected);
    }
    const fallback = rollUpBlocks(rollUp, computed, { monthLabel: "May 2026" });
    expect(sectionTexts(fallback).join("\n")).toContain(
      "Summary computed without a language model: test",
    );
  });

  it("stays inside Block Kit's limits with 10,000 notes, and escapes what people typed", () => {
    const rollUp = buildRollUp(MONTH, manyNotes());
    expect(rollUp.winLoss.competitors.length).toBe(351);
    const summary: ThemeSummary = { source: "model", model: "m", text: "x".repeat(3000) };
    const blocks = rollUpBlocks(rollUp, summary, { monthLabel: "May 2026" });
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) {
      if (block.type === "section") {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
      }
      if (block.type === "context") expect(block.elements.length).toBeLessThanOrEqual(10);
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
    }
    const text = sectionTexts(blocks).join("\n");
    expect(text).toMatch(/…and [\d,]+ more/);
    expect(text).not.toContain("<!channel>");
    expect(rollUpText(rollUp, summary).length).toBeLessThan(20_000);
  });

  it("escapes hostile notes, names and the model's summary", () => {
    const evil = "<!channel> <@U123> <https://evil.example|click> ``` &";
    const rollUp = buildRollUp(MONTH, [
      winLoss({
        dealName: `Deal ${evil}`,
        outcome: "lost",
        primaryReason: `reason ${evil}`,
        competitors: [`<!here> Globex`, "Initech ```"],
        nearlyLost: `Line one ${evil}\n<!everyone> line two, long enough to be worth reading`,
      }),
      content({
        asset: `Deck ${evil}`,
        buyerSaid: `They said ${evil}`,
        uncoveredObjections: `objection ${evil}`,
      }),
    ]);
    const summary: ThemeSummary = { source: "model", model: "m", text: `- **Theme** ${evil}` };
    const blocks = rollUpBlocks(rollUp, summary, {
      monthLabel: "May 2026",
      driSlackUserId: "U0DRI",
    });
    const message = { text: fallbackText(blocks), blocks };
    expect(mrkdwnProblems(message, ownMentions(["U0DRI"]))).toEqual([]);
    const text = sectionTexts(blocks).join("\n");
    expect(text).toContain("reason &lt;!channel&gt; &lt;@U123&gt;");
    expect(text).toContain("*&lt;!here&gt; Globex*");
    expect(text).toContain("> Line one &lt;!channel&gt;");
    expect(text).toContain("&lt;!everyone&gt; line two");
    expect(text).toContain("DRI: <@U0DRI>");
  });
});
