import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildRollUp } from "../../src/feedback/rollup.js";
import {
  redact,
  summariseThemes,
  summaryPrompt,
  type SummaryConfig,
} from "../../src/feedback/summary.js";
import type { ContentNote, FeedbackNote, WinLossNote } from "../../src/feedback/types.js";
import { FakeOpenAI } from "../fakes/fake-openai.js";

const MONTH = "2026-05";
let sequence = 0;

function stored(authorName: string | null) {
  sequence += 1;
  return {
    id: `note-${sequence}`,
    slackTeamId: "T0TEAM001",
    authorSlackUserId: `U0AUTHOR${sequence}`,
    authorName,
    month: MONTH,
    submittedAt: new Date(Date.UTC(2026, 4, 2, 10, 0, sequence)),
  };
}

const winLoss = (fields: Partial<WinLossNote>): WinLossNote => ({
  ...stored("Dana Whitfield"),
  kind: "winloss",
  dealName: "Initech expansion",
  crmId: "006XYZ",
  amount: "48000.00",
  outcome: "lost",
  primaryReason: "price",
  nearlyLost: "",
  competitors: [],
  notes: null,
  ...fields,
});

const content = (fields: Partial<ContentNote>): ContentNote => ({
  ...stored("Ravi Okonkwo-Smith"),
  kind: "content",
  asset: "ROI calculator",
  assetUrl: "https://cdn.example.com/roi.xlsx",
  stage: "proposal",
  helped: "helped",
  buyerSaid: "",
  uncoveredObjections: null,
  ...fields,
});

/** Feedback with people's names, emails and Slack ids typed into the texts. */
const NOTES: FeedbackNote[] = [
  winLoss({
    outcome: "lost",
    primaryReason: "price",
    competitors: ["Gong"],
    nearlyLost: "A multi-year discount; dana told the CFO we could not match Gong's bundle",
    notes: "Procurement (jane.doe@initech.com) pushed back hard. Ask <@U0REP0042> for the thread.",
  }),
  winLoss({
    outcome: "won",
    primaryReason: "integration",
    competitors: ["Chorus"],
    nearlyLost: "Security review dragged; Whitfield escalated via Priya Raman's manager",
  }),
  content({
    buyerSaid: "Okonkwo walked them through the ROI calculator and the payback story landed",
    uncoveredObjections: "No SOC 2 report for the security team; ping U0SECRET12 about it",
  }),
];
const PEOPLE = ["Priya Raman", "Al Bo"];
const SECRETS = [
  "Dana",
  "dana",
  "Whitfield",
  "Ravi",
  "Okonkwo",
  "Priya",
  "Raman",
  "jane.doe@initech.com",
  "initech.com",
  "U0REP0042",
  "U0SECRET12",
  "U0AUTHOR",
  "T0TEAM001",
  "Initech expansion",
  "006XYZ",
  "48000",
];
const FEEDBACK = [
  "multi-year discount",
  "Procurement",
  "Security review dragged",
  "payback story landed",
  "No SOC 2 report",
  "Gong",
  "Chorus",
  "ROI calculator",
  "integration",
];

describe("redact", () => {
  it("replaces emails, Slack mentions and ids, and people's names as whole words", () => {
    expect(
      redact(
        "Mail Dana.Whitfield@acme.io or <@U0ABC1234|dana>; DANA and dana's boss Whitfield agreed, " +
          "Danalyst and Al stay, <mailto:x@y.co|x@y.co>",
        ["Dana Whitfield", "Al Bo"],
      ),
    ).toBe(
      "Mail [email] or [someone]; [someone] and [someone]'s boss [someone] agreed, " +
        "Danalyst and Al stay, [email]",
    );
  });

  it("replaces a full name as one, across hyphens and apostrophes", () => {
    expect(
      redact("Ask Sean O'Brien or Mary-Jane Watson", ["Sean O'Brien", "Mary-Jane Watson"]),
    ).toBe("Ask [someone] or [someone]");
    expect(redact("Mary and Jane, José and JOSÉ", ["Mary-Jane Watson", "José Ñúñez"])).toBe(
      "[someone] and [someone], [someone] and [someone]",
    );
  });

  it("stays fast with thousands of people", () => {
    const people = Array.from({ length: 5_000 }, (_, i) => `Person${i} Surname${i}`);
    const started = performance.now();
    const out = redact("Person4999 Surname4999 said the price was fine. ".repeat(200), people);
    expect(performance.now() - started).toBeLessThan(500);
    expect(out).not.toContain("Person4999");
  });
});

describe("summaryPrompt", () => {
  it("holds the feedback text and none of the people, emails or Slack ids", () => {
    const prompt = summaryPrompt(buildRollUp(MONTH, NOTES), NOTES, PEOPLE);
    for (const text of FEEDBACK) expect(prompt).toContain(text);
    for (const secret of SECRETS) expect(prompt).not.toContain(secret);
  });

  it("redacts before cutting a long text short, so no part of an email slips through", () => {
    const long = winLoss({ notes: `${"word ".repeat(78)}Ping jane.doe@initech.com today` });
    const prompt = summaryPrompt(buildRollUp(MONTH, [long]), [long], []);
    expect(prompt).not.toContain("jane");
    expect(prompt).toContain("word word");
  });
});

describe("summariseThemes", () => {
  const server = new FakeOpenAI();
  const rollUp = buildRollUp(MONTH, NOTES);
  const config = (fields: Partial<SummaryConfig> = {}): SummaryConfig => ({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    model: "gpt-4o-mini",
    timeoutMs: 5_000,
    ...fields,
  });

  beforeEach(async () => {
    server.requests.length = 0;
    server.behaviour = { kind: "answer", content: "• Price loses deals to Gong.\n• ROI helps." };
    await server.start();
  });
  afterEach(() => server.stop());

  it("uses the model's answer, sending only redacted feedback text", async () => {
    const summary = await summariseThemes(rollUp, NOTES, config(), PEOPLE);
    expect(summary).toEqual({
      source: "model",
      model: "gpt-4o-mini",
      text: "• Price loses deals to Gong.\n• ROI helps.",
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.url).toBe("/v1/chat/completions");
    expect(request!.headers.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(request!.body).toMatchObject({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: expect.stringContaining("3 to 6 short bullet") },
        { role: "user", content: expect.any(String) },
      ],
    });
    for (const text of FEEDBACK) expect(request!.raw).toContain(text);
    for (const secret of SECRETS) expect(request!.raw).not.toContain(secret);
    expect(request!.raw).not.toMatch(/[\w.+-]+@[\w-]+\.\w+/);
    expect(request!.raw).not.toMatch(/\b[UWT]0[A-Z0-9]{6,}\b/);
  });

  it("computes the summary without any request when there is no API key", async () => {
    const summary = await summariseThemes(rollUp, NOTES, config({ apiKey: undefined }), PEOPLE);
    expect(summary).toMatchObject({ source: "deterministic", reason: "no OPENAI_API_KEY" });
    expect(summary.text).toContain("win/loss notes");
    expect(server.requests).toHaveLength(0);
  });

  it("falls back when nothing listens at the address", async () => {
    await server.stop();
    const summary = await summariseThemes(rollUp, NOTES, config(), PEOPLE);
    expect(summary).toMatchObject({
      source: "deterministic",
      reason: "the model could not be reached",
    });
  });

  it("falls back on HTTP 500, and says so", async () => {
    server.behaviour = { kind: "error", status: 500 };
    const summary = await summariseThemes(rollUp, NOTES, config(), PEOPLE);
    expect(summary).toMatchObject({
      source: "deterministic",
      reason: "the model answered with an error (HTTP 500)",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("falls back on a wrong API key", async () => {
    const summary = await summariseThemes(rollUp, NOTES, config({ apiKey: "sk-wrong" }), PEOPLE);
    expect(summary).toMatchObject({
      source: "deterministic",
      reason: "the model refused the API key (HTTP 401)",
    });
  });

  it.each([
    ["a body that is not JSON", { kind: "not-json" } as const],
    ["JSON without choices", { kind: "no-choices" } as const],
    ["an empty answer", { kind: "answer", content: "  \n " } as const],
    ["an answer too long for Slack", { kind: "answer", content: "• x".repeat(1200) } as const],
  ])("falls back on %s", async (_, behaviour) => {
    server.behaviour = behaviour;
    const summary = await summariseThemes(rollUp, NOTES, config(), PEOPLE);
    expect(summary).toMatchObject({
      source: "deterministic",
      reason: "the model's answer was not usable",
    });
  });

  it.each([
    ["before answering", false],
    ["halfway through its answer", true],
  ])("falls back when the model hangs %s, past the timeout", async (_, afterHeaders) => {
    server.behaviour = { kind: "hang", afterHeaders };
    const started = performance.now();
    const summary = await summariseThemes(rollUp, NOTES, config({ timeoutMs: 300 }), PEOPLE);
    const elapsed = performance.now() - started;
    expect(summary).toMatchObject({
      source: "deterministic",
      reason: "the model did not answer within 300 ms",
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });
});
