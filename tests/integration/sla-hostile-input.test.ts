// The speed-to-lead watch fed hostile CRM rows and odd admin input: lead ids that would ping a
// channel, ids too long for a button's URL, `__proto__` as a source, delays out of order.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "../../src/funnel/tokens.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { mrkdwnProblems } from "../helpers/mrkdwn.js";

const EVIL = "<!channel> <https://evil.test|click> & @here ```x";

describeEachDatabase("the speed-to-lead watch on hostile input", (provider) => {
  let cadence: CadenceUnderTest;
  let token: string;
  const db = () => cadence.running.database.db;
  const team = () => cadence.slack.teamId;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text?: string;
    }>();
  const ingest = async (records: Array<Record<string, unknown>>) => {
    const response = await fetch(`${cadence.baseUrl}/api/v1/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(records),
    });
    expect(response.status).toBe(200);
  };
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const dmsTo = (user: string) =>
    cadence.slack.messages.filter(
      (m) => m.channel === `D${user}` && /^sla:/.test(String(m.metadata?.event_payload.key)),
    );
  const person = (slackUserId: string, email: string) =>
    db().person.create({
      data: { slackTeamId: team(), slackUserId, name: slackUserId, email, timezone: "UTC" },
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    for (const title of ["weekly", "win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
    token = (await createApiToken(db(), team(), "crm")).token;
    await person("U0REPA", "ana@acme.test");
    await person("U0REPL", "long@acme.test");
    await command("U0OPS", "sla-hours always");
    await command("U0OPS", "sla-escalation crm-link https://crm.example.com/leads/{id}");
  });
  afterAll(() => cadence.stop());

  it("escapes a hostile lead id in the DM's text and blocks, and in the snooze confirmation", async () => {
    cadence.clock.set("2026-11-23T14:00:20Z");
    await ingest([
      { id: EVIL, mql_at: "2026-11-23T14:00:00Z", owner: "ana@acme.test", source: EVIL },
    ]);
    await at("2026-11-23T14:05:00Z");
    const [dm] = dmsTo("U0REPA");
    expect(dm).toBeDefined();
    expect(dm!.text).not.toContain("<!channel>");
    expect(mrkdwnProblems({ text: dm!.text, blocks: dm!.blocks }, ["<@U0REPA>"])).toEqual([]);
    const snooze = (
      dm!.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>
    )
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === "sla_snooze")!;
    await cadence.requests.blockActions({
      user: "U0REPA",
      response_url: cadence.slack.responseUrl(),
      actions: [{ action_id: "sla_snooze", value: snooze.value, type: "button" }],
    });
    const reply = await cadence.slack.waitForCall("response_url", (call) =>
      JSON.stringify(call.args).includes("Snoozed"),
    );
    expect(reply.args.text).toContain("&lt;!channel&gt;");
    expect(mrkdwnProblems({ text: reply.args.text }, [])).toEqual([]);
  });

  it("leaves the Open-in-CRM button out when the lead's URL would pass Slack's 3,000 characters", async () => {
    cadence.clock.set("2026-11-25T14:00:20Z");
    await ingest([
      { id: "Ł".repeat(600), mql_at: "2026-11-25T14:00:00Z", owner: "long@acme.test" },
    ]);
    await at("2026-11-25T14:05:00Z");
    const [dm] = dmsTo("U0REPL");
    expect(JSON.stringify(dm!.blocks)).toContain("ŁŁŁ");
    expect(JSON.stringify(dm!.blocks)).not.toContain("sla_open_in_crm");
    const reply = await command(
      "U0OPS",
      `sla-escalation crm-link https://crm.test/${"x".repeat(3000)}/{id}`,
    );
    expect(reply.text).toMatch(/too long/);
  });

  it("refuses a source named __proto__, delays out of order, and hex or exponent minutes", async () => {
    const before = await db().workspace.findUniqueOrThrow({ where: { slackTeamId: team() } });
    for (const text of [
      "sla-escalation source __proto__: sla 1",
      "sla-escalation source constructor: sla 2",
      "sla-escalation source Web: sla 30 manager 10",
      "sla-escalation manager 1",
      "sla-escalation manager 0x10",
      "sla-escalation manager 1e-300",
    ]) {
      const reply = await command("U0OPS", text);
      expect.soft(reply.text, text).toMatch(/Nothing was changed|Give the delay|Write the source/);
    }
    for (const text of ["sla 0x10", "sla 1e-300"])
      expect.soft((await command("U0OPS", text)).text, text).toMatch(/Give the SLA in minutes/);
    const after = await db().workspace.findUniqueOrThrow({ where: { slackTeamId: team() } });
    expect(after.settings).toEqual(before.settings);
  });
});
