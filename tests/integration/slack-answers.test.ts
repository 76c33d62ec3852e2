// Every request is answered within Slack's limit whatever its payload, and a listener that throws
// never takes the app down: signed HTTP requests with broken payloads, failing Slack calls.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Reply {
  response_type?: string;
  text?: string;
  response_action?: string;
  errors?: Record<string, string>;
  blocks?: Array<{ text?: { text: string } }>;
}
const textOf = (reply: Reply) =>
  [reply.text ?? "", ...(reply.blocks ?? []).map((b) => b.text?.text ?? "")].join("\n");

const winLossValues = {
  deal_name: { deal_name: { type: "plain_text_input", value: "Acme renewal" } },
  outcome: { outcome: { type: "radio_buttons", selected_option: { value: "won" } } },
  nearly_lost: { nearly_lost: { type: "plain_text_input", value: "A cheaper rival." } },
  primary_reason: {
    primary_reason: { type: "static_select", selected_option: { value: "price" } },
  },
};

const handOverView = (privateMetadata: string) => ({
  id: "VHANDOVER",
  callback_id: "cadence_hand_over_modal",
  private_metadata: privateMetadata,
  blocks: [{ type: "input", block_id: "new_dri", element: { type: "users_select" } }],
  state: { values: { new_dri: { user: { type: "users_select", selected_user: "U0BOB" } } } },
});

describeEachDatabase("every Slack request is answered", (provider) => {
  let cadence: CadenceUnderTest;
  const list = async () => {
    const response = await cadence.requests.slashCommand({ command: "/cadence", text: "list" });
    expect(response.status).toBe(200);
    return response.json<Reply>();
  };

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider });
    cadence.slack.addUser({ id: "U0ALICE", real_name: "Alice", is_admin: true });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob" });
  });
  beforeEach(() => {
    cadence.slack.calls.length = 0;
  });
  afterAll(() => cadence.stop());

  it("acknowledges a signed view_submission whose view is null", async () => {
    const response = await cadence.requests.interaction({
      type: "view_submission",
      user: { id: "U0ALICE" },
      view: null,
    });
    expect(response.status).toBe(200);
    expect(textOf(await list())).toContain("Weekly funnel review");
  });

  it("answers a hand-over whose private_metadata is not JSON with a field error", async () => {
    const response = await cadence.requests.viewSubmission({
      user: "U0ALICE",
      view: handOverView("{not json"),
    });
    expect(response.status).toBe(200);
    expect(response.json<Reply>()).toMatchObject({
      response_action: "errors",
      errors: { new_dri: expect.stringContaining("close it and press Hand over again") },
    });
  });

  it("answers with an apology and a reference when a listener throws before acknowledging, and keeps serving", async () => {
    const { id } = await cadence.running.database.db.cadence.findFirstOrThrow({
      where: { slackTeamId: cadence.slack.teamId },
    });
    cadence.slack.queue("users.info", { kind: "error", error: "fatal_error" });
    const response = await cadence.requests.viewSubmission({
      user: "U0ALICE",
      view: handOverView(JSON.stringify({ cadenceId: id, origin: null })),
    });
    expect(response.status).toBe(200);
    expect(response.json<Reply>()).toMatchObject({
      response_action: "errors",
      errors: {
        new_dri: expect.stringMatching(/something went wrong on our side \(reference \w+\)/),
      },
    });
    expect(cadence.logLines.some((line) => line.includes("a Slack listener failed"))).toBe(true);
    expect(textOf(await list())).toContain("Weekly funnel review");
  });

  it("keeps serving after a listener throws once it has acknowledged", async () => {
    cadence.slack.queue("views.open", { kind: "error", error: "fatal_error" });
    const response = await cadence.requests.slashCommand({ command: "/winloss", text: "Acme" });
    expect(response.status).toBe(200);
    await cadence.slack.waitForCall("views.open");
    expect(textOf(await list())).toContain("Weekly funnel review");
  });

  it("refuses a feedback note from a workspace it does not know with a field error, storing nothing", async () => {
    const response = await cadence.requests.interaction({
      type: "view_submission",
      team: { id: "T0STRANGER" },
      user: { id: "U0ALICE", team_id: "T0STRANGER" },
      view: {
        id: "VSTRANGER",
        callback_id: "feedback_winloss",
        private_metadata: "{}",
        state: { values: winLossValues },
      },
    });
    expect(response.status).toBe(200);
    expect(response.json<Reply>()).toMatchObject({
      response_action: "errors",
      errors: { deal_name: expect.stringContaining("Cadence does not know this workspace yet") },
    });
    expect(await cadence.running.database.db.feedbackNote.count()).toBe(0);
  });

  it("acknowledges buttons whose value is missing or not JSON", async () => {
    for (const action of [
      { action_id: "cadence_mark_done", type: "button" },
      { action_id: "cadence_pick_0", type: "button", value: "{oops" },
      { action_id: "feedback_delete", type: "button" },
    ]) {
      const response = await cadence.requests.blockActions({
        user: "U0ALICE",
        actions: [action],
        response_url: cadence.slack.responseUrl(),
      });
      expect(response.status, action.action_id).toBe(200);
    }
  });

  it("acknowledges at once a button or a modal no listener knows", async () => {
    const started = Date.now();
    const button = await cadence.requests.blockActions({
      user: "U0ALICE",
      actions: [{ action_id: "retired_feature_button", type: "button", value: "x" }],
    });
    expect(button.status).toBe(200);
    const modal = await cadence.requests.viewSubmission({
      user: "U0ALICE",
      view: { id: "VOLD", callback_id: "retired_feature_modal", state: { values: {} } },
    });
    expect(modal.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("answers within Slack's 3 s whatever the payload's shape: null, arrays, numbers, unknown types", async () => {
    const form = (payload: string) => new URLSearchParams({ payload }).toString();
    const odd: Array<[string, string]> = [
      [form("null"), "application/x-www-form-urlencoded"],
      ["null", "application/json"],
      ["[1]", "application/json"],
      [form("42"), "application/x-www-form-urlencoded"],
      [form('"text"'), "application/x-www-form-urlencoded"],
      ["", "application/x-www-form-urlencoded"],
      [
        form(JSON.stringify({ type: "no_such_type", team: { id: "T0" } })),
        "application/x-www-form-urlencoded",
      ],
      [
        form(JSON.stringify({ type: "block_actions", actions: "x", user: { id: "U0ALICE" } })),
        "application/x-www-form-urlencoded",
      ],
      [
        form(JSON.stringify({ type: "shortcut", callback_id: "nobody", user: { id: "U0ALICE" } })),
        "application/x-www-form-urlencoded",
      ],
      [JSON.stringify({ type: "event_callback", team_id: "T0" }), "application/json"],
    ];
    const answers = await Promise.all(
      odd.map(async ([body, contentType]) => {
        const started = Date.now();
        const response = await cadence.requests.post(body, contentType);
        return { body, status: response.status, ms: Date.now() - started };
      }),
    );
    for (const answer of answers) {
      expect([200, 400], answer.body).toContain(answer.status);
      expect(answer.ms, answer.body).toBeLessThan(3_000);
    }
    expect(textOf(await list())).toContain("Weekly funnel review");
  });

  it("echoes at most 200 characters of a 100 KB command", async () => {
    const text = `frobnicate ${"x".repeat(100_000)}`;
    const response = await cadence.requests.slashCommand({ command: "/cadence", text });
    expect(response.status).toBe(200);
    const reply = response.json<Reply>();
    const first = reply.blocks?.[0]?.text?.text ?? "";
    expect(first).toContain("I don't know `/cadence frobnicate xxx");
    expect(first).toContain("…");
    expect(first.length).toBeLessThan(400);
    const pause = await cadence.requests.slashCommand({
      command: "/cadence",
      text: `pause ${"y".repeat(100_000)}`,
    });
    const answer = pause.json<Reply>().text ?? "";
    expect(answer).toMatch(/^No cadence matches "y{199}…"/);
    expect(answer.length).toBeLessThan(400);
  });
});

describe("every Slack request is answered in Socket Mode", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ mode: "socket" });
    cadence.slack.addUser({ id: "U0ALICE", real_name: "Alice", is_admin: true });
  });
  afterAll(() => cadence.stop());

  it("acknowledges a view_submission whose view is null, then answers the next command", async () => {
    const ack = await cadence.slack.sendEnvelope("interactive", {
      type: "view_submission",
      team: { id: cadence.slack.teamId },
      user: { id: "U0ALICE" },
      view: null,
    });
    expect(ack ?? {}).toEqual({});
    const reply = await cadence.slack.sendEnvelope("slash_commands", {
      command: "/cadence",
      text: "list",
      team_id: cadence.slack.teamId,
      user_id: "U0ALICE",
      channel_id: "C0GENERAL",
      trigger_id: "1.2.abc",
      response_url: cadence.slack.responseUrl(),
    });
    expect(textOf(reply as Reply)).toContain("Weekly funnel review");
  });

  it("acknowledges envelopes with a null payload or one no listener routes, within 3 s", async () => {
    const started = Date.now();
    const acks = await Promise.all([
      cadence.slack.sendEnvelope("interactive", null as never, 3_000),
      cadence.slack.sendEnvelope(
        "interactive",
        { type: "shortcut", callback_id: "nobody", user: { id: "U0ALICE" } },
        3_000,
      ),
      cadence.slack.sendEnvelope(
        "interactive",
        { type: "block_actions", actions: "x", user: { id: "U0ALICE" } },
        3_000,
      ),
    ]);
    expect(acks).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("answers a hand-over with broken private_metadata with a field error", async () => {
    const ack = await cadence.slack.sendEnvelope("interactive", {
      type: "view_submission",
      team: { id: cadence.slack.teamId },
      user: { id: "U0ALICE" },
      view: handOverView("]"),
    });
    expect(ack).toMatchObject({
      response_action: "errors",
      errors: { new_dri: expect.stringContaining("out of date") },
    });
  });
});
