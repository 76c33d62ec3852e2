import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";

describe("Slack in Socket Mode", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ mode: "socket" });
  });
  afterAll(() => cadence.stop());

  it("opens its connection with the app-level token at SLACK_API_URL", () => {
    const opens = cadence.slack.callsTo("apps.connections.open");
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens[0]?.token).toBe(cadence.slack.appToken);
  });

  it("acknowledges /cadence help over the socket with the ephemeral help", async () => {
    const ack = await cadence.slack.sendEnvelope("slash_commands", {
      command: "/cadence",
      text: "help",
      team_id: cadence.slack.teamId,
      user_id: "U0ALICE",
      channel_id: "C0GENERAL",
      trigger_id: "1.2.abc",
      response_url: "https://hooks.slack.invalid/commands/1",
      api_app_id: "A0CADENCE",
    });
    expect(ack?.response_type).toBe("ephemeral");
    const blocks = ack?.blocks as Array<{ text?: { text: string } }>;
    expect(blocks.map((block) => block.text?.text ?? "").join("\n")).toContain("/cadence help");
  });

  it("serves health and readiness on PORT without a Slack endpoint", async () => {
    expect((await fetch(`${cadence.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${cadence.baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${cadence.baseUrl}/slack/events`, { method: "POST" })).status).toBe(405);
  });

  it("updates a person when Slack sends user_change over the socket", async () => {
    await cadence.slack.sendEnvelope("events_api", {
      type: "event_callback",
      team_id: cadence.slack.teamId,
      api_app_id: "A0CADENCE",
      event_id: "Ev0SOCKET1",
      event_time: 1795400000,
      event: {
        type: "user_change",
        user: {
          id: "U0BOB",
          team_id: cadence.slack.teamId,
          real_name: "Bob Rep",
          profile: { real_name: "Bob Rep", email: "Bob@Acme.test" },
        },
      },
    });
    await expect
      .poll(() =>
        cadence.running.database.db.person.findUnique({
          where: {
            slackTeamId_slackUserId: { slackTeamId: cadence.slack.teamId, slackUserId: "U0BOB" },
          },
        }),
      )
      .toMatchObject({ name: "Bob Rep", email: "bob@acme.test", active: true });
  });
});
