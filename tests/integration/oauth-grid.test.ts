// Enterprise Grid in OAuth mode: an org-wide install is one installation for the org, and each
// workspace of the org gets its own record and standard cadences with its first request, acting
// with the org's token; a workspace installed on its own inside an org is a workspace install.
// Uninstalling org-wide stops every workspace of the org but one with its own install.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  startCadenceForTest,
  TEST_SIGNING_SECRET,
  type CadenceUnderTest,
} from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { installThroughOAuth } from "../helpers/installs.js";
import { SlackRequests } from "../helpers/signed-requests.js";

const ORG = "E0GRID";
const NORTH = "T0NORTH";
const SOUTH = "T0SOUTH";
/** In the same org, but installed on its own (a workspace install). */
const WEST = "T0WEST";

describeEachDatabase("Enterprise Grid installs", (provider) => {
  let cadence: CadenceUnderTest;
  let events: SlackRequests;
  const db = () => cadence.running.database.db;
  /** A slash command from a workspace of the org, as Slack sends it for an org-wide install. */
  const orgCommand = (teamId: string, text: string) =>
    events.post(
      new URLSearchParams({
        ...Object.fromEntries(
          new URLSearchParams(
            events.slashCommandBody({
              command: "/cadence",
              text,
              team_id: teamId,
              user_id: "U0OLGA",
            }),
          ),
        ),
        enterprise_id: ORG,
        is_enterprise_install: "true",
      }).toString(),
      "application/x-www-form-urlencoded",
    );

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      oauth: true,
      env: { ADMIN_USER_IDS: "U0OLGA" },
    });
    events = new SlackRequests(`${cadence.baseUrl}/slack/events`, TEST_SIGNING_SECRET, NORTH);
    cadence.slack.addUser({ id: "U0OLGA", real_name: "Olga Ops" });
  });
  afterAll(() => cadence.stop());

  it("stores an org-wide install once, for the org, before any workspace arrives", async () => {
    const result = await installThroughOAuth(cadence, {
      enterpriseId: ORG,
      enterpriseName: "Globex",
      isEnterpriseInstall: true,
    });
    expect(result.status).toBe(200);
    const rows = await db().slackInstallation.findMany();
    expect(rows.map((row) => [row.id, row.isEnterpriseInstall, row.teamId])).toEqual([
      [`E:${ORG}`, true, null],
    ]);
    expect(await db().workspace.count()).toBe(0);
  });

  it("gives each workspace of the org its own cadences with its first request, using the org's token", async () => {
    const orgToken = cadence.slack.installs.grants.at(-1)!.token;
    for (const team of [NORTH, SOUTH]) {
      const answer = await orgCommand(team, "list");
      expect(answer.status).toBe(200);
      expect(answer.text).toContain("Weekly funnel review");
    }
    const workspaces = await db().workspace.findMany({ orderBy: { slackTeamId: "asc" } });
    expect(workspaces.map((w) => [w.slackTeamId, w.enterpriseId])).toEqual([
      [NORTH, ORG],
      [SOUTH, ORG],
    ]);
    for (const team of [NORTH, SOUTH])
      expect(await db().cadence.count({ where: { slackTeamId: team } })).toBeGreaterThan(3);
    // Scheduled work in either workspace acts with the org's token.
    for (const team of [NORTH, SOUTH])
      expect((await cadence.running.clients.forWorkspace(team))?.token).toBe(orgToken);
  });

  it("posts each workspace's cadences to its own channel with the org's token", async () => {
    for (const team of [NORTH, SOUTH])
      await db().cadence.updateMany({
        where: { slackTeamId: team, kind: "weekly_funnel_review" },
        data: { channelId: `C0${team}` },
      });
    const due = await db().cadence.findFirstOrThrow({
      where: { slackTeamId: NORTH, kind: "weekly_funnel_review" },
    });
    cadence.clock.set(due.nextDueAt!.toISOString());
    await cadence.sweep();
    for (const team of [NORTH, SOUTH]) {
      const posts = cadence.slack
        .callsTo("chat.postMessage")
        .filter((call) => call.args.channel === `C0${team}` && !call.args.thread_ts);
      expect(posts.map((call) => call.owner)).toEqual([ORG]);
    }
  });

  it("keeps a workspace installed on its own inside the org as a workspace install", async () => {
    const result = await installThroughOAuth(cadence, {
      teamId: WEST,
      teamName: "Globex West",
      enterpriseId: ORG,
      installerUserId: "U0OLGA",
    });
    expect(result.status).toBe(200);
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { id: `T:${WEST}` } });
    expect(row).toMatchObject({ teamId: WEST, enterpriseId: ORG, isEnterpriseInstall: false });
    const west = await cadence.running.clients.forWorkspace(WEST);
    expect((await west!.auth.test()).team_id).toBe(WEST);
  });

  it("stops every workspace of the org when uninstalled org-wide, but not one with its own install", async () => {
    cadence.slack.installs.revoke({ enterpriseId: ORG });
    const answer = await events.post(
      cadence.slack.installs.eventBody(
        { type: "app_uninstalled" },
        { teamId: NORTH, enterpriseId: ORG, isEnterpriseInstall: true },
      ),
      "application/json",
    );
    expect(answer.status).toBe(200);
    // Bolt acknowledges first; the listener deletes the token, then stops the workspaces.
    await vi.waitFor(
      async () => {
        const states = await db().workspace.findMany({ orderBy: { slackTeamId: "asc" } });
        expect(states.map((w) => [w.slackTeamId, w.uninstalledAt !== null])).toEqual([
          [NORTH, true],
          [SOUTH, true],
          [WEST, false],
        ]);
      },
      { timeout: 5_000 },
    );
    expect(await db().slackInstallation.count({ where: { id: `E:${ORG}` } })).toBe(0);
    expect(await cadence.running.clients.forWorkspace(NORTH)).toBeNull();
    expect(await cadence.running.clients.forWorkspace(WEST)).not.toBeNull();
  });

  it("resumes the org's workspaces when it is installed org-wide again", async () => {
    const result = await installThroughOAuth(cadence, {
      enterpriseId: ORG,
      isEnterpriseInstall: true,
    });
    expect(result.status).toBe(200);
    expect(await db().workspace.count({ where: { uninstalledAt: { not: null } } })).toBe(0);
    expect((await cadence.running.clients.forWorkspace(SOUTH))?.token).toBe(
      cadence.slack.installs.grants.at(-1)!.token,
    );
  });
});
