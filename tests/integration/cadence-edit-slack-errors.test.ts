// Slack refusing to open the edit modal: the person who pressed the button is told.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("Slack refusing the edit modal", (provider) => {
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
});
