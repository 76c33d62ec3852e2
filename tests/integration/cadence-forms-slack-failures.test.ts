// Slack failing around the cadence forms: refusing to open the edit modal, or to update the
// reminder after a skip was saved. The person who pressed the button, and the DRI, still hear.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("Slack failing around the cadence forms", (provider) => {
  let cadence: CadenceUnderTest;
  let weeklyId: string;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS", PUBLIC_URL: "https://cadence.acme.test" },
      now: "2026-11-26T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    await command("U0OPS", "assign weekly <@U0BOB>");
    weeklyId = (await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } }))
      .id;
  });
  afterAll(() => cadence.stop());

  it("the Edit button tells the person when Slack refuses to open the modal (expired trigger)", async () => {
    const stop = cadence.slack.replyWhen("views.open", () => true, {
      kind: "error",
      error: "expired_trigger_id",
    });
    const responses = cadence.slack.callsTo("response_url").length;
    const dms = cadence.slack.callsTo("chat.postMessage").length;
    const response = await cadence.requests.blockActions({
      user: "U0BOB",
      channel: { id: "C0REVENUE" },
      message: { ts: "1.1" },
      response_url: cadence.slack.responseUrl("edit-button"),
      actions: [{ action_id: "cadence_edit", value: weeklyId, type: "button" }],
    });
    expect(response.status).toBe(200);
    await expect.poll(() => cadence.slack.callsTo("views.open").length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    stop();
    const told = [
      ...cadence.slack.callsTo("response_url").slice(responses),
      ...cadence.slack.callsTo("chat.postMessage").slice(dms),
    ].map((c) => String(c.args.text));
    expect(told).toEqual([expect.stringContaining("Slack did not open the form")]);
  });

  it("tells the DRI an admin skipped their occurrence even when Slack cannot update the reminder message", async () => {
    const { WebClient } = await import("@slack/web-api");
    const posted = await new WebClient(cadence.config.slack.botToken, {
      slackApiUrl: cadence.config.slack.apiUrl,
    }).chat.postMessage({ channel: "DU0OPS", text: "reminder" });
    const stop = cadence.slack.replyWhen("chat.update", () => true, {
      kind: "error",
      error: "message_not_found",
    });
    const dms = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "U0BOB").length;
    const response = await cadence.requests.viewSubmission({
      user: "U0OPS",
      view: {
        callback_id: "cadence_skip_occurrence_modal",
        private_metadata: JSON.stringify({
          cadenceId: weeklyId,
          dueAt: "2026-12-07T14:00:00.000Z",
          origin: { surface: "message", channel: "DU0OPS", ts: posted.ts! },
        }),
        state: { values: { reason: { text: { type: "plain_text_input", value: "offsite" } } } },
      },
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    await expect.poll(() => cadence.slack.callsTo("chat.update").length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    stop();
    const skipped = await db().occurrence.count({
      where: { cadenceId: weeklyId, status: "skipped" },
    });
    const dmsNow = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "U0BOB").length;
    expect({ skipped, dmToDri: dmsNow - dms }).toEqual({ skipped: 1, dmToDri: 1 });
    // The admin who skipped it hears of it by DM, since the message could not be replaced.
    const toAdmin = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "U0OPS" && String(c.args.text).includes("skipped"));
    expect(toAdmin.length).toBe(1);
  });
});
