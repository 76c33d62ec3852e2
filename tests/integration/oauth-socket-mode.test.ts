// OAuth mode over Socket Mode: installs go through Cadence's own HTTP server, requests arrive on
// the socket, and each is answered with the token of the workspace it came from.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { installThroughOAuth } from "../helpers/installs.js";

describeEachDatabase("installs by OAuth over Socket Mode", (provider) => {
  let cadence: CadenceUnderTest;

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider, oauth: true, mode: "socket" });
    cadence.slack.addUser({ id: "U0ALICE", real_name: "Alice" });
  });
  afterAll(() => cadence.stop());

  it("installs two workspaces and answers each over the socket with its own token", async () => {
    for (const teamId of ["T0ONE", "T0TWO"])
      expect((await installThroughOAuth(cadence, { teamId })).status).toBe(200);
    for (const teamId of ["T0ONE", "T0TWO"]) {
      const before = cadence.slack.calls.length;
      const ack = await cadence.slack.sendEnvelope("slash_commands", {
        command: "/cadence",
        text: "assign weekly <@U0ALICE>",
        team_id: teamId,
        user_id: "U0ALICE",
        channel_id: "C0GENERAL",
        trigger_id: "1.2.abc",
        response_url: "https://hooks.slack.invalid/commands/1",
        api_app_id: "A0CADENCE",
      });
      expect(JSON.stringify(ack)).toContain("Weekly funnel review");
      // Who asked and who is assigned were looked up with this workspace's token.
      const asked = cadence.slack.calls.slice(before).filter((call) => call.owner);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.map((call) => call.owner)).toEqual(asked.map(() => teamId));
    }
  });

  it("refuses a workspace that never installed Cadence: nothing is answered with another's token", async () => {
    const before = cadence.slack.calls.length;
    await cadence.slack
      .sendEnvelope(
        "slash_commands",
        {
          command: "/cadence",
          text: "list",
          team_id: "T0STRANGER",
          user_id: "U0ALICE",
          channel_id: "C0GENERAL",
          trigger_id: "1.2.abc",
          response_url: "https://hooks.slack.invalid/commands/2",
          api_app_id: "A0CADENCE",
        },
        2_000,
      )
      .catch(() => undefined);
    expect(cadence.slack.calls.slice(before).filter((call) => call.token)).toEqual([]);
    expect(await cadence.running.database.db.workspace.count()).toBe(2);
  });
});
