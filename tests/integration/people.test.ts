import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("keeping people current from Slack", (provider) => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider, now: "2026-11-23T14:00:00Z" });
  });
  afterAll(() => cadence.stop());

  const person = (slackUserId: string) =>
    cadence.running.database.db.person.findUnique({
      where: { slackTeamId_slackUserId: { slackTeamId: cadence.slack.teamId, slackUserId } },
    });

  it("records the workspace from auth.test on start, in the default timezone", async () => {
    const workspace = await cadence.running.database.db.workspace.findUnique({
      where: { slackTeamId: cadence.slack.teamId },
    });
    expect(workspace).toMatchObject({
      name: "Acme Revenue",
      timezone: "America/New_York",
      botUserId: cadence.slack.botUserId,
    });
  });

  it("adds a person who joins the workspace", async () => {
    const response = await cadence.requests.event({
      type: "team_join",
      user: {
        id: "U0CAROL",
        team_id: cadence.slack.teamId,
        name: "carol",
        real_name: "Carol Closer",
        tz: "America/Chicago",
        profile: { real_name: "Carol Closer", email: "carol@acme.test" },
      },
    });
    expect(response.status).toBe(200);
    await expect
      .poll(() => person("U0CAROL"))
      .toMatchObject({
        name: "Carol Closer",
        email: "carol@acme.test",
        timezone: "America/Chicago",
        active: true,
        deactivatedAt: null,
      });
  });

  it("follows a profile change and marks a deactivated person inactive with the time", async () => {
    await cadence.requests.event({
      type: "user_change",
      user: {
        id: "U0CAROL",
        team_id: cadence.slack.teamId,
        real_name: "Carol Chen",
        profile: { real_name: "Carol Chen", email: "carol@acme.test" },
      },
    });
    await expect.poll(async () => (await person("U0CAROL"))?.name).toBe("Carol Chen");

    await cadence.requests.event({
      type: "user_change",
      user: {
        id: "U0CAROL",
        team_id: cadence.slack.teamId,
        deleted: true,
        real_name: "Carol Chen",
        profile: { real_name: "Carol Chen" },
      },
    });
    await expect.poll(async () => (await person("U0CAROL"))?.active).toBe(false);
    expect((await person("U0CAROL"))?.deactivatedAt?.toISOString()).toBe(
      "2026-11-23T14:00:00.000Z",
    );
    expect(
      cadence.logLines.some(
        (line) => line.includes("person deactivated") && line.includes("U0CAROL"),
      ),
    ).toBe(true);
  });

  it("ignores members of other workspaces (shared channels)", async () => {
    await cadence.requests.event({
      type: "user_change",
      user: { id: "U0STRANGER", team_id: "T0OTHER", real_name: "Stranger" },
    });
    await cadence.requests.event({
      type: "app_home_opened",
      user: "U0ALICE",
      channel: "D1",
      tab: "home",
    });
    await cadence.slack.waitForCall("views.publish");
    const others = await cadence.running.database.db.person.count({
      where: { slackUserId: "U0STRANGER" },
    });
    expect(others).toBe(0);
  });
});
