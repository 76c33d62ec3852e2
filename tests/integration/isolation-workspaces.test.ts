// Fifty workspaces installed through the OAuth flow against the fake Slack, each with its
// cadences, leads, feedback and an ingest token; one is then uninstalled. Every Web API call is
// checked against the workspace whose token made it, so no request, token, scheduled post or
// export of one workspace reads or writes another's.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { openSecret, parseEncryptionKey } from "../../src/crypto/secrets.js";
import { feedbackCsv } from "../../src/feedback/export.js";
import { notesOf } from "../../src/feedback/store.js";
import { createApiToken } from "../../src/funnel/tokens.js";
import {
  startCadenceForTest,
  TEST_ENCRYPTION_KEY,
  TEST_SIGNING_SECRET,
  type CadenceUnderTest,
} from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { installThroughOAuth } from "../helpers/installs.js";
import { SlackRequests } from "../helpers/signed-requests.js";

const COUNT = 50;
const TEAMS = Array.from({ length: COUNT }, (_, i) => `T0W${String(i + 1).padStart(2, "0")}`);
const GONE = "T0W07";
/** Everything a workspace owns is named after it: its channel, its people, its deals. */
const channelOf = (team: string) => `C${team}`;
const personOf = (team: string) => `U${team}`;

/** Runs `work` for every team, ten at a time. */
async function eachTeam(work: (team: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < TEAMS.length; i += 10) await Promise.all(TEAMS.slice(i, i + 10).map(work));
}

describeEachDatabase("fifty workspaces in isolation", (provider) => {
  let cadence: CadenceUnderTest;
  const ingestTokens = new Map<string, string>();
  const db = () => cadence.running.database.db;
  const requestsOf = (team: string) =>
    new SlackRequests(`${cadence.baseUrl}/slack/events`, TEST_SIGNING_SECRET, team);
  const postLeads = (token: string, team: string, n: number) =>
    fetch(`${cadence.baseUrl}/api/v1/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify([{ id: `L-${team}-${n}`, mql_at: "2026-11-20T14:00:00Z" }]),
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      oauth: true,
      env: { ADMIN_USER_IDS: TEAMS.map(personOf).join(",") },
      now: "2026-11-23T14:00:00Z",
    });
    for (const team of TEAMS) cadence.slack.addUser({ id: personOf(team), real_name: team });
    // One at a time: the fake's consent page approves installs in order.
    for (const team of TEAMS) {
      const result = await installThroughOAuth(cadence, {
        teamId: team,
        teamName: `Company ${team}`,
        installerUserId: personOf(team),
      });
      expect(result.status).toBe(200);
    }
    await eachTeam(async (team) => {
      const answer = await requestsOf(team).slashCommand({
        command: "/cadence",
        text: `channel weekly <#${channelOf(team)}|revenue>`,
        user_id: personOf(team),
        team_id: team,
      });
      expect(answer.status).toBe(200);
      await db().cadence.updateMany({
        where: { slackTeamId: team, kind: "weekly_funnel_review" },
        data: { title: `Weekly review of ${team}` },
      });
      const { token } = await createApiToken(db(), team, "crm sync");
      ingestTokens.set(team, token);
      expect((await postLeads(token, team, 1)).status).toBe(200);
      await db().feedbackNote.create({
        data: {
          slackTeamId: team,
          kind: "winloss",
          authorSlackUserId: personOf(team),
          month: "2026-11",
          sourceViewId: `V-${team}`,
          submittedAt: new Date("2026-11-20T15:00:00Z"),
          data: {
            dealName: `Deal of ${team}`,
            crmId: null,
            amount: "1000",
            outcome: "won",
            primaryReason: "Price",
            nearlyLost: "Timing",
            competitors: [],
            notes: null,
          },
        },
      });
    });
    const gone = requestsOf(GONE);
    cadence.slack.installs.revoke({ teamId: GONE });
    await gone.post(
      cadence.slack.installs.eventBody({ type: "app_uninstalled" }, { teamId: GONE }),
      "application/json",
    );
    await vi.waitFor(
      async () =>
        expect(
          (await db().workspace.findUniqueOrThrow({ where: { slackTeamId: GONE } })).uninstalledAt,
        ).not.toBeNull(),
      { timeout: 5_000 },
    );
  }, 180_000);
  afterAll(() => cadence.stop());

  it("keeps one sealed token per installed workspace, issued for that workspace alone", async () => {
    const key = parseEncryptionKey(TEST_ENCRYPTION_KEY);
    const rows = await db().slackInstallation.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((row) => row.teamId)).toEqual(TEAMS.filter((team) => team !== GONE));
    for (const row of rows) {
      const token = openSecret(row.botToken, key);
      expect(cadence.slack.installs.tokens.get(token)?.teamId).toBe(row.teamId);
      expect(row.botToken).not.toContain(token);
    }
  });

  it("answers each workspace's /cadence list with its own cadences only", async () => {
    await eachTeam(async (team) => {
      if (team === GONE) return;
      const answer = await requestsOf(team).slashCommand({
        command: "/cadence",
        text: "list",
        user_id: personOf(team),
        team_id: team,
      });
      const titles = new Set(
        [...answer.text.matchAll(/Weekly review of (T0W\d\d)/g)].map((m) => m[1]),
      );
      expect([...titles]).toEqual([team]);
    });
  });

  it("posts each installed workspace's cadence to its channel with its token, and nothing for the uninstalled one", async () => {
    const due = await db().cadence.findFirstOrThrow({
      where: { slackTeamId: TEAMS[0], kind: "weekly_funnel_review" },
    });
    cadence.clock.set(due.nextDueAt!.toISOString());
    await cadence.sweep();
    const posts = cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel?.toString().startsWith("CT0W") && !call.args.thread_ts);
    // Distinct channels: under this load the client may resend a post that timed out.
    expect([...new Set(posts.map((call) => String(call.args.channel)))].sort()).toEqual(
      TEAMS.filter((team) => team !== GONE).map(channelOf),
    );
    for (const post of posts) expect(channelOf(post.owner!)).toBe(post.args.channel);
  });

  it("made every Web API call with the token of the workspace it concerned", () => {
    const targets = (args: Record<string, unknown>) =>
      [args.channel, args.channel_id, args.user, args.users].filter(
        (value): value is string => typeof value === "string",
      );
    const checked = cadence.slack.calls.filter((call) => call.owner && targets(call.args).length);
    // Welcome DMs, command look-ups, posts, thread replies and uploads: hundreds of calls.
    expect(checked.length).toBeGreaterThan(3 * COUNT);
    for (const call of checked)
      for (const target of targets(call.args)) expect(target, call.method).toContain(call.owner);
    // And none without a token of ours once installs by OAuth are on.
    expect(cadence.slack.calls.filter((call) => call.token && !call.owner)).toEqual([]);
  });

  it("lets an ingest token write its own workspace's leads only, and none once uninstalled", async () => {
    await eachTeam(async (team) => {
      const answer = await postLeads(ingestTokens.get(team)!, team, 2);
      expect(answer.status).toBe(team === GONE ? 401 : 200);
    });
    const leads = await db().lead.findMany({ select: { slackTeamId: true, crmId: true } });
    for (const lead of leads) expect(lead.crmId).toMatch(new RegExp(`^L-${lead.slackTeamId}-`));
    expect(leads.filter((lead) => lead.slackTeamId === GONE)).toHaveLength(1);
    expect(leads).toHaveLength(2 * COUNT - 1);
  });

  it("exports each workspace's feedback alone, and keeps the uninstalled one's data", async () => {
    await eachTeam(async (team) => {
      const notes = await notesOf(db(), team, "2026-11");
      expect(notes.map((note) => note.authorSlackUserId)).toEqual([personOf(team)]);
      const csv = feedbackCsv(notes);
      expect([...csv.matchAll(/Deal of (T0W\d\d)/g)].map((m) => m[1])).toEqual([team]);
    });
    expect(await db().cadence.count({ where: { slackTeamId: GONE } })).toBeGreaterThan(3);
  });
});
