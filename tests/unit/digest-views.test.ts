import { describe, expect, it } from "vitest";
import type { Digest } from "../../src/digest/digest.js";
import {
  change,
  digestBlocks,
  digestText,
  digestThreadBlocks,
  pct,
} from "../../src/digest/views.js";
import { fallbackText } from "../../src/slack/blocks.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

const row = (key: string) => ({
  key,
  mqls: 12,
  untouched: 1,
  medianMinutes: 3.25,
  p90Minutes: 41,
  slaCompliance: 0.5,
});

function digestWith(reps: number): Digest {
  const volumes = {
    mql: 10,
    sql: 4,
    rejected: 2,
    opportunities: 3,
    won: 1,
    lost: 1,
    wonAmount: 5000,
  };
  return {
    week: { start: "2026-11-16", end: "2026-11-22", timezone: "America/New_York" },
    volumes,
    previousVolumes: { ...volumes, mql: 12 },
    acceptanceRate: 4 / 6,
    rejectionReasons: [{ reason: "no budget", count: 2, share: 1 }],
    speedToLead: {
      slaMinutes: 5,
      mqls: 10,
      untouched: 1,
      medianMinutes: 3,
      p90Minutes: 40,
      slaCompliance: 0.5,
      byRep: Array.from({ length: reps }, (_, i) => row(`rep-${i}-${"x".repeat(40)}@acme.test`)),
      byTeam: [row("East"), row("West")],
      bySource: Array.from({ length: reps }, (_, i) => row(`source ${i}`)),
    },
    conversion: { cohortWeeks: 13, mqlToSql: 0.5, sqlToOpp: null, oppToWon: 0.25 },
    sourcing: { marketing: 2, sales: 1, partner: 0, other: 0, influenced: 2 },
    rejectionTrend: {
      months: [
        { month: "2026-09", rejectionRate: 0.4 },
        { month: "2026-10", rejectionRate: 0.35 },
      ],
      mqlReviewTriggered: true,
    },
  };
}

const sectionTexts = (blocks: Array<{ type: string; text?: { text: string } }>) =>
  blocks.filter((b) => b.type === "section").map((b) => b.text?.text ?? "");

describe("digest Block Kit", () => {
  it("formats rates, nulls and week-over-week change for people", () => {
    expect(pct(null)).toBe("–");
    expect(pct(0)).toBe("0%");
    expect(pct(0.4)).toBe("40%");
    expect(pct(2 / 3)).toBe("66.7%");
    expect(pct(1)).toBe("100%");
    expect(change(5, 3)).toBe("▲ 2");
    expect(change(3, 5)).toBe("▼ 2");
    expect(change(4, 4)).toBe("= 0");
  });

  it("stays within Block Kit's limits with 2,000 reps and sources, and says what was left out", () => {
    const thread = digestThreadBlocks(digestWith(2_000));
    expect(thread.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(thread as never)) expect(text.length).toBeLessThanOrEqual(3000);
    const json = JSON.stringify(thread);
    expect(json).toContain("more reps: `cadence digest --json` lists every one.");
    expect(json).toContain("more sources");
    expect(json).toContain("East");
  });

  it("lists every row when they fit", () => {
    const thread = JSON.stringify(digestThreadBlocks(digestWith(3)));
    for (const key of ["rep-0", "rep-1", "rep-2", "source 2", "West"])
      expect(thread).toContain(key);
    expect(thread).not.toContain("more reps");
  });

  it("names the MQL review's DRI in the alert, or says it has none", () => {
    const how = { rejectionThreshold: 0.3, driSlackUserId: "U0BOB" };
    const withDri = JSON.stringify(
      digestBlocks(digestWith(1), { ...how, mqlReviewDriSlackUserId: "U0MIA" }),
    );
    expect(withDri).toContain("<@U0MIA>, the MQL-definition review is due early.");
    expect(withDri).toContain("(Sep 40%, Oct 35%)");
    const without = JSON.stringify(digestBlocks(digestWith(1), how));
    expect(without).toContain("it has no DRI");
    const fine = digestWith(1);
    fine.rejectionTrend.mqlReviewTriggered = false;
    expect(JSON.stringify(digestBlocks(fine, how))).not.toContain("rotating_light");
  });

  it("escapes CRM text in the post, its fallback and the tables, and keeps the tables' fences closed", () => {
    const hostile = digestWith(1);
    hostile.rejectionReasons = [
      { reason: "<!channel> budget frozen", count: 2, share: 0.5 },
      { reason: "<https://evil.example|click> & win", count: 1, share: 0.25 },
      { reason: "bad\nfit ```", count: 1, share: 0.25 },
    ];
    const row = hostile.speedToLead.byTeam[0]!;
    hostile.speedToLead.byRep = [{ ...row, key: "```<@U123>```" }];
    hostile.speedToLead.byTeam = [{ ...row, key: "<!here> & East" }];
    hostile.speedToLead.bySource = [{ ...row, key: "line\nbreak `<#C0GENERAL>`" }];
    const how = {
      rejectionThreshold: 0.3,
      driSlackUserId: "U0BOB",
      mqlReviewDriSlackUserId: "U0MIA",
    };
    const post = digestBlocks(hostile, how);
    const thread = digestThreadBlocks(hostile);
    const payloads = [
      { text: fallbackText(post), blocks: post },
      { text: fallbackText(thread), blocks: thread },
    ];
    expect(mrkdwnProblems(payloads, ownMentions(["U0BOB", "U0MIA"]))).toEqual([]);
    const shown = JSON.stringify(payloads);
    expect(shown).toContain("&lt;!channel&gt; budget frozen 2 (50%)");
    expect(shown).toContain("&lt;https://evil.example|click&gt; &amp; win");
    expect(shown).toContain("bad fit ˋˋˋ 1 (25%)");
    expect(shown).toContain("ˋˋˋ&lt;@U123&gt;ˋˋˋ");
    expect(shown).toContain("&lt;!here&gt; &amp; East");
    expect(shown).toContain("line break ˋ&lt;#C0GENERAL&gt;ˋ");
    // The CLI prints to a terminal, not Slack: the names as they are in the CRM.
    expect(digestText(hostile, 0.3)).toContain("<!here> & East");
  });
});
