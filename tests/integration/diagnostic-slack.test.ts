// The quarterly alignment diagnostic through the fake Slack, on both databases: the cadence fires,
// each member of the marketing and sales user groups gets a DM, answers in the modal (invalid,
// retried, second and uninvited answers refused), those missing get one reminder after three
// working days (a workspace holiday not counted), and when the window closes the results go to
// the cadence's channel and its DRI: a team with fewer than 3 answers shows no figures, and the
// next quarter shows the gap between the teams and the change.
import { afterAll, beforeAll, expect, it } from "vitest";
import { latestDiagnosticResult } from "../../src/diagnostic/results.js";
import { runDiagnosticDuties } from "../../src/diagnostic/steps.js";
import { schedulerDeps } from "../../src/main.js";
import type { SlackCall } from "../fakes/fake-slack.js";
import { memoryLogger, startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

const QUESTIONS = [
  ["scoring_closed_won", "scoring"],
  ["scoring_reasons", "scoring"],
  ["sla_written", "sla"],
  ["sla_visible", "sla"],
  ["pipeline_one_number", "pipeline_truth"],
  ["feedback_monthly", "field_feedback"],
  ["icp_written", "icp"],
  ["handoff_routed", "handoff"],
  ["attribution_agreed", "attribution"],
  ["cadences_named", "cadence_owners"],
] as const;
const PATTERN_LABELS: Record<string, string> = {
  scoring: "Scoring model calibrated",
  sla: "SLA documented and monitored",
  pipeline_truth: "One source of pipeline truth",
  field_feedback: "Field feedback reaches marketing",
  icp: "ICP documented",
  handoff: "Handoff automated",
  attribution: "Attribution agreed",
  cadence_owners: "Cadences owned by named people",
};

/** The modal's state.values for ten scores (null leaves a question unanswered). */
function values(scores: Array<number | null>) {
  return Object.fromEntries(
    QUESTIONS.map(([id], i) => [
      id,
      {
        [id]: {
          type: "radio_buttons",
          selected_option: scores[i] === null ? null : { value: String(scores[i]) },
        },
      },
    ]),
  );
}

/** Independently: each pattern's mean over a side's answers (all its questions, all people). */
function patternMeans(answers: number[][]): Record<string, number> {
  const sums: Record<string, { sum: number; count: number }> = {};
  for (const scores of answers)
    QUESTIONS.forEach(([, pattern], i) => {
      sums[pattern] ??= { sum: 0, count: 0 };
      sums[pattern].sum += scores[i]!;
      sums[pattern].count += 1;
    });
  return Object.fromEntries(Object.entries(sums).map(([p, s]) => [p, s.sum / s.count]));
}
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const oneDecimal = (x: number) => (Math.round(x * 10 + 1e-9) / 10).toFixed(1);

describeEachDatabase("Quarterly alignment diagnostic in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({
      command: "/cadence",
      text,
      user_id: user,
      response_url: cadence.slack.responseUrl(),
    });
  const dmsTo = (user: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === user || c.args.channel === `D${user}`);
  const json = (call: SlackCall) => JSON.stringify(call.args);
  const asks = (user: string) =>
    dmsTo(user).filter((c) => json(c).includes("diagnostic_open") && !json(c).includes("Reminder"));
  const reminders = (user: string) =>
    dmsTo(user).filter((c) => json(c).includes("diagnostic_open") && json(c).includes("Reminder"));
  const resultsPosts = () =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => json(c).includes("Alignment diagnostic ·"));
  /** A second replica's scheduler, with its own claim owner, on the same database and clock. */
  const otherReplica = () =>
    schedulerDeps(
      cadence.config,
      cadence.running.database,
      cadence.running.clients,
      cadence.clock,
      memoryLogger().logger,
      "replica-b",
    );
  let viewCounter = 0;
  const answer = async (user: string, scores: Array<number | null>, viewId?: string) => {
    const round = await db().diagnosticRound.findFirstOrThrow({ orderBy: { openedAt: "desc" } });
    return cadence.requests.viewSubmission({
      user,
      view: {
        id: viewId ?? `VDIAG${++viewCounter}`,
        callback_id: "diagnostic_answers",
        private_metadata: JSON.stringify({ roundId: round.id }),
        state: { values: values(scores) },
      },
    });
  };
  const fireDiagnostic = async (dueAt: string) => {
    await db().cadence.updateMany({
      where: { kind: "quarterly_alignment_diagnostic" },
      data: { nextDueAt: new Date(dueAt) },
    });
    cadence.clock.set(new Date(new Date(dueAt).getTime() + 5_000).toISOString());
    await cadence.sweep();
    await cadence.sweep();
  };

  const marketing = ["U0MK1", "U0MK2", "U0MK3", "U0MK4"];
  const sales = ["U0AE1", "U0AE2", "U0AE3", "U0AE4"];

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      now: "2026-11-23T14:00:00Z",
      env: { ADMIN_USER_IDS: "U0OPS" },
    });
    for (const id of ["U0OPS", "U0OUT", ...marketing, ...sales])
      cadence.slack.addUser({ id, real_name: `Person ${id}` });
    // U0MK4 is in both groups (asked once, with marketing); Cadence's own bot is never asked.
    cadence.slack.respond("usergroups.users.list", (call) => ({
      users:
        call.args.usergroup === "S0MKTG"
          ? marketing
          : call.args.usergroup === "S0SALES"
            ? [...sales, "U0MK4", cadence.slack.botUserId]
            : [],
    }));
  });
  afterAll(async () => {
    await cadence.stop();
  });

  it("an admin sets the marketing and sales user groups", async () => {
    expect((await command("U0OPS", "marketing <!subteam^S0MKTG|@marketing>")).text).toContain(
      "quarterly alignment diagnostic will ask the members of <!subteam^S0MKTG>",
    );
    expect((await command("U0OPS", "sales <!subteam^S0SALES|@sales>")).text).toContain(
      "quarterly alignment diagnostic",
    );
    expect((await command("U0MK1", "marketing <!subteam^S0OTHER|@other>")).text).toContain(
      "Only a workspace admin",
    );
    const workspace = await db().workspace.findFirstOrThrow();
    expect(workspace.settings).toMatchObject({
      marketingUserGroupId: "S0MKTG",
      salesUserGroupId: "S0SALES",
    });
    await command("U0OPS", "assign diagnostic <@U0OPS>");
    await command("U0OPS", "channel diagnostic <#C0REVENUE|revenue>");
    await command("U0OPS", "holiday add 2026-11-26 Thanksgiving");
    const diagnostic = await db().cadence.findFirstOrThrow({
      where: { kind: "quarterly_alignment_diagnostic" },
    });
    expect(diagnostic).toMatchObject({ driSlackUserId: "U0OPS", channelId: "C0REVENUE" });
  });

  it("when the cadence fires, every member of both groups gets one DM with Take the diagnostic", async () => {
    cadence.slack.calls.length = 0;
    // Tuesday 2026-11-24, 11:00 in New York (the workspace's timezone).
    await fireDiagnostic("2026-11-24T16:00:00Z");
    for (const user of [...marketing, ...sales]) {
      expect(asks(user), user).toHaveLength(1);
      expect(json(asks(user)[0]!)).toContain("Take the diagnostic");
    }
    expect(dmsTo(cadence.slack.botUserId)).toHaveLength(0);
    const announcement = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "C0REVENUE");
    expect(announcement).toHaveLength(1);
    expect(json(announcement[0]!)).toContain("Alignment diagnostic, 2026 Q4");
    expect(json(announcement[0]!)).toContain("Asked 4 in marketing and 4 in sales by DM");
    const round = await db().diagnosticRound.findFirstOrThrow();
    expect(round.quarter).toBe("2026-Q4");
    // Three working days after Tuesday, Thanksgiving not counted: Monday; ten: Wednesday Dec 9.
    expect(round.remindAt.toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(round.closesAt.toISOString()).toBe("2026-12-09T16:00:00.000Z");
    expect(round.asksSentAt).not.toBeNull();
    const invites = await db().diagnosticInvite.findMany({ orderBy: { slackUserId: "asc" } });
    expect(invites.map((i) => [i.slackUserId, i.side])).toEqual([
      ["U0AE1", "sales"],
      ["U0AE2", "sales"],
      ["U0AE3", "sales"],
      ["U0AE4", "sales"],
      ["U0MK1", "marketing"],
      ["U0MK2", "marketing"],
      ["U0MK3", "marketing"],
      ["U0MK4", "marketing"],
    ]);
  });

  it("the button opens a modal of ten 1-5 questions; someone not invited is told so", async () => {
    const round = await db().diagnosticRound.findFirstOrThrow();
    await cadence.requests.blockActions({
      user: "U0AE1",
      response_url: cadence.slack.responseUrl("open"),
      actions: [{ action_id: "diagnostic_open", value: round.id, type: "button" }],
    });
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as {
      callback_id: string;
      blocks: Array<{ type: string; block_id?: string; element?: { options?: unknown[] } }>;
    };
    expect(view.callback_id).toBe("diagnostic_answers");
    const inputs = view.blocks.filter((b) => b.type === "input");
    expect(inputs.map((b) => b.block_id)).toEqual(QUESTIONS.map(([id]) => id));
    for (const input of inputs) expect(input.element?.options).toHaveLength(5);

    await cadence.requests.blockActions({
      user: "U0OUT",
      response_url: cadence.slack.responseUrl("outsider"),
      actions: [{ action_id: "diagnostic_open", value: round.id, type: "button" }],
    });
    const refusal = await cadence.slack.waitForCall("response_url", (c) =>
      String(c.args.url).endsWith("outsider"),
    );
    expect(refusal.args.text).toContain("you were not among them");
    expect(cadence.slack.callsTo("views.open")).toHaveLength(1);
  });

  const round1Sales = [
    [4, 3, 2, 2, 5, 3, 4, 1, 2, 3],
    [5, 4, 1, 2, 4, 2, 3, 2, 3, 4],
    [3, 3, 2, 3, 4, 2, 5, 1, 2, 2],
  ];
  const round1Marketing = [
    [2, 2, 4, 4, 3, 1, 2, 3, 5, 5],
    [1, 2, 5, 4, 2, 2, 3, 3, 4, 4],
  ];

  it("stores answers once and anonymously; an incomplete, a second or an uninvited answer is refused", async () => {
    const incomplete = await answer("U0AE1", [4, 3, null, 2, 5, 3, 4, 1, 2, null]);
    expect(incomplete.json()).toEqual({
      response_action: "errors",
      errors: {
        sla_written: "Choose a score from 1 (not at all) to 5 (fully).",
        cadences_named: "Choose a score from 1 (not at all) to 5 (fully).",
      },
    });
    expect(await db().diagnosticAnswer.count()).toBe(0);

    // Slack retries the same submission: stored and confirmed once.
    expect((await answer("U0AE1", round1Sales[0]!, "VDIAG-RETRY")).status).toBe(200);
    expect((await answer("U0AE1", round1Sales[0]!, "VDIAG-RETRY")).status).toBe(200);
    expect(await db().diagnosticAnswer.count()).toBe(10);
    const confirmations = dmsTo("U0AE1").filter((c) => json(c).includes("Thank you"));
    expect(confirmations).toHaveLength(1);
    expect(json(confirmations[0]!)).toContain("Your name is not stored with your answers");

    // A second modal from the same person changes nothing.
    const second = await answer("U0AE1", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(second.json()).toMatchObject({
      response_action: "errors",
      errors: { scoring_closed_won: expect.stringContaining("already answered") },
    });
    const outsider = await answer("U0OUT", [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(JSON.stringify(outsider.json())).toContain("you were not among them");
    expect(await db().diagnosticAnswer.count()).toBe(10);

    await answer("U0AE2", round1Sales[1]!);
    await answer("U0AE3", round1Sales[2]!);
    await answer("U0MK1", round1Marketing[0]!);
    await answer("U0MK2", round1Marketing[1]!);
    const rows = await db().diagnosticAnswer.findMany();
    expect(rows).toHaveLength(50);
    // No answer row names its person.
    for (const row of rows)
      for (const user of [...marketing, ...sales]) expect(JSON.stringify(row)).not.toContain(user);
    expect(rows.filter((r) => r.side === "sales")).toHaveLength(30);
  });

  it("reminds those who have not answered once, three working days after it opened", async () => {
    cadence.slack.calls.length = 0;
    cadence.clock.set("2026-11-30T15:59:00Z");
    await cadence.sweep();
    for (const user of [...marketing, ...sales]) expect(reminders(user), user).toHaveLength(0);

    cadence.clock.set("2026-11-30T16:01:00Z");
    // Two replicas at once: each reminder still goes out once.
    await Promise.all([cadence.sweep(), runDiagnosticDuties(otherReplica())]);
    await cadence.sweep();
    for (const user of ["U0AE4", "U0MK3", "U0MK4"]) expect(reminders(user), user).toHaveLength(1);
    for (const user of ["U0AE1", "U0AE2", "U0AE3", "U0MK1", "U0MK2"])
      expect(reminders(user), user).toHaveLength(0);
    expect(
      cadence.slack.callsTo("chat.postMessage").filter((c) => json(c).includes("diagnostic_open")),
    ).toHaveLength(3);
    expect(json(reminders("U0AE4")[0]!)).toContain("open until Wed, Dec 9");
    expect((await db().diagnosticRound.findFirstOrThrow()).reminderSentAt).not.toBeNull();
  });

  it("when it closes, posts the results once to the channel and the DRI; a team under 3 answers shows no figures", async () => {
    expect(
      await latestDiagnosticResult(db(), cadence.slack.teamId, new Date("2026-12-31T00:00:00Z")),
    ).toBeNull();
    cadence.slack.calls.length = 0;
    cadence.clock.set("2026-12-09T16:01:00Z");
    await Promise.all([cadence.sweep(), runDiagnosticDuties(otherReplica())]);
    await cadence.sweep();
    const posts = resultsPosts();
    expect(posts.map((c) => c.args.channel).sort()).toEqual(["C0REVENUE", "DU0OPS"]);
    const text = json(posts[0]!);
    expect(text).toContain("Marketing: 2 of 4 answered: fewer than 3 answers");
    expect(text).toContain("Sales: 3 of 4 answered");
    for (const user of [...marketing, ...sales]) expect(text).not.toContain(user);

    const salesMeans = patternMeans(round1Sales);
    const overall = average(Object.values(salesMeans));
    const tier =
      overall >= 4
        ? "Integrated"
        : overall >= 3
          ? "Structured"
          : overall >= 2
            ? "Emerging"
            : "Siloed";
    expect(text).toContain(`Overall ${oneDecimal(overall)} / 5`);
    expect(text).toContain(tier);
    expect(text).toContain("No earlier quarter to compare with");
    const table = (posts[0]!.args.blocks as Array<{ text?: { text: string } }>)
      .map((b) => b.text?.text ?? "")
      .find((t) => t.startsWith("```"))!
      .replaceAll("```", "");
    for (const [pattern, mean] of Object.entries(salesMeans)) {
      const line = table.split("\n").find((l) => l.startsWith(PATTERN_LABELS[pattern]!))!;
      // Marketing's column is empty; sales shows its mean.
      expect(line.slice(PATTERN_LABELS[pattern]!.length).trim().split(/\s+/).slice(0, 2)).toEqual([
        "–",
        oneDecimal(mean),
      ]);
    }

    await cadence.sweep();
    expect(resultsPosts()).toHaveLength(2);
    const round = await db().diagnosticRound.findFirstOrThrow();
    expect(round.resultsPostedAt).not.toBeNull();
    expect(round.tier).toBe(tier);
    expect(
      await latestDiagnosticResult(db(), cadence.slack.teamId, new Date("2026-12-31T00:00:00Z")),
    ).toEqual({ quarter: "2026-Q4", tier, score: Number(oneDecimal(overall)) });

    // Closed: a late answer is refused.
    const late = await answer("U0AE4", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(JSON.stringify(late.json())).toContain("closed");
    expect(await db().diagnosticAnswer.count()).toBe(50);
  });

  it("next quarter shows both teams side by side, their gaps, and the change from last quarter", async () => {
    cadence.slack.calls.length = 0;
    // Tuesday 2027-01-05, 11:00 in New York.
    await fireDiagnostic("2027-01-05T16:00:00Z");
    for (const user of [...marketing, ...sales]) expect(asks(user), user).toHaveLength(1);
    const round2Marketing = [
      [4, 4, 5, 4, 3, 2, 4, 4, 5, 5],
      [3, 4, 4, 5, 3, 1, 3, 4, 4, 4],
      [4, 3, 5, 5, 2, 2, 4, 5, 5, 4],
    ];
    const round2Sales = [
      [4, 4, 2, 2, 4, 4, 4, 2, 2, 3],
      [5, 3, 2, 1, 5, 3, 4, 3, 3, 4],
      [4, 4, 1, 2, 4, 4, 5, 2, 2, 3],
    ];
    for (const [i, user] of ["U0MK1", "U0MK2", "U0MK3"].entries())
      await answer(user, round2Marketing[i]!);
    for (const [i, user] of ["U0AE1", "U0AE2", "U0AE4"].entries())
      await answer(user, round2Sales[i]!);

    cadence.clock.set("2027-01-19T16:01:00Z");
    await cadence.sweep();
    await cadence.sweep();
    const posts = resultsPosts();
    expect(posts.map((c) => c.args.channel).sort()).toEqual(["C0REVENUE", "DU0OPS"]);
    const text = json(posts[0]!);
    expect(text).toContain("2027 Q1");

    const m = patternMeans(round2Marketing);
    const s = patternMeans(round2Sales);
    const before = patternMeans(round1Sales);
    const team = Object.fromEntries(Object.keys(m).map((p) => [p, (m[p]! + s[p]!) / 2]));
    const overall = average(Object.values(team));
    const previous = average(Object.values(before));
    expect(text).toContain(`Overall ${oneDecimal(overall)} / 5`);
    expect(text).toContain(`Last quarter (2026 Q4): ${oneDecimal(previous)}`);
    const change = overall - previous;
    expect(text).toContain(`change ${change >= 0 ? "+" : "−"}${oneDecimal(Math.abs(change))}`);
    const table = (posts[0]!.args.blocks as Array<{ text?: { text: string } }>)
      .map((b) => b.text?.text ?? "")
      .find((t) => t.startsWith("```"))!
      .replaceAll("```", "");
    for (const pattern of Object.keys(m)) {
      const line = table.split("\n").find((l) => l.startsWith(PATTERN_LABELS[pattern]!))!;
      const cells = line.slice(PATTERN_LABELS[pattern]!.length).trim().split(/\s+/);
      const gap = m[pattern]! - s[pattern]!;
      const delta = team[pattern]! - before[pattern]!;
      const sign = (x: number) =>
        `${Number(oneDecimal(x)) > 0 ? "+" : Number(oneDecimal(x)) < 0 ? "−" : "±"}${oneDecimal(Math.abs(x))}`;
      expect(cells, pattern).toEqual([
        oneDecimal(m[pattern]!),
        oneDecimal(s[pattern]!),
        sign(gap),
        sign(delta),
      ]);
    }
    // The SLA is where the teams disagree most: marketing sees it, sales does not.
    expect(text).toContain("The teams see it differently");
    expect(text).toContain("SLA documented and monitored (+");
    expect(
      await latestDiagnosticResult(db(), cadence.slack.teamId, new Date("2027-02-01T00:00:00Z")),
    ).toMatchObject({ quarter: "2027-Q1", score: Number(oneDecimal(overall)) });
    expect(
      await latestDiagnosticResult(db(), cadence.slack.teamId, new Date("2027-01-10T00:00:00Z")),
    ).toMatchObject({ quarter: "2026-Q4" });
  });
  it("a group Slack cannot list asks nobody and says so; with too few answers the results show no score", async () => {
    const unlisted = cadence.slack.replyWhen(
      "usergroups.users.list",
      (call) => call.args.usergroup === "S0SALES",
      { kind: "error", error: "no_such_subteam" },
    );
    cadence.slack.calls.length = 0;
    // Tuesday 2027-04-06, 11:00 in New York (daylight saving time).
    await fireDiagnostic("2027-04-06T15:00:00Z");
    unlisted();
    const announcement = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "C0REVENUE");
    expect(announcement).toHaveLength(1);
    expect(json(announcement[0]!)).toContain("Asked 4 in marketing and 0 in sales");
    expect(json(announcement[0]!)).toContain("Slack could not list the sales user group");
    for (const user of marketing) expect(asks(user), user).toHaveLength(1);
    for (const user of sales) expect(asks(user), user).toHaveLength(0);

    await answer("U0MK1", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    await answer("U0MK2", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    cadence.clock.set("2027-04-20T15:01:00Z");
    await cadence.sweep();
    await cadence.sweep();
    const posts = resultsPosts();
    expect(posts.map((c) => c.args.channel).sort()).toEqual(["C0REVENUE", "DU0OPS"]);
    const text = json(posts[0]!);
    expect(text).toContain("Not enough answers to show results anonymously");
    expect(text).toContain("Marketing: 2 of 4 answered");
    expect(text).toContain("Sales: 0 of 0 answered");
    expect(text).not.toContain("Overall");
    expect(text).not.toContain("3.5");
    const round = await db().diagnosticRound.findFirstOrThrow({ where: { quarter: "2027-Q2" } });
    expect(round).toMatchObject({ score: null, tier: null });
    // The QBR still reads the last quarter that had a score.
    expect(
      await latestDiagnosticResult(db(), cadence.slack.teamId, new Date("2027-05-01T00:00:00Z")),
    ).toMatchObject({ quarter: "2027-Q1" });
  });
});
