// OAuth mode end to end against the fake Slack: a workspace installs Cadence at /slack/install,
// its token is stored sealed, its requests and scheduled posts use its own token; uninstalling
// deletes the token and stops its scheduled work at once; a reinstall within the retention
// resumes where it stopped; after the retention the scheduler purges its data.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  startCadenceForTest,
  TEST_SIGNING_SECRET,
  type CadenceUnderTest,
} from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { installThroughOAuth } from "../helpers/installs.js";
import { SlackRequests } from "../helpers/signed-requests.js";
import { freshWorkdir, PROJECT_ROOT } from "../helpers/cadence-process.js";

const TEAM = "T0ACME";

/** `cadence <args>` as an operator runs it, in a child process. */
function cli(args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs"),
      path.join(PROJECT_ROOT, "src", "cli.ts"),
      ...args,
    ],
    {
      cwd: freshWorkdir(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
}
const install = { teamId: TEAM, teamName: "Acme", installerUserId: "U0OLGA" };

describeEachDatabase("installs by OAuth", (provider) => {
  let cadence: CadenceUnderTest;
  let acme: SlackRequests;
  const db = () => cadence.running.database.db;
  const postsBy = (owner: string) =>
    cadence.slack.callsTo("chat.postMessage").filter((call) => call.owner === owner);
  /** Cadence posts, not the digest's thread under them. */
  const postsIn = (channel: string) =>
    postsBy(TEAM).filter((call) => call.args.channel === channel && !call.args.thread_ts);
  /** Bolt acknowledges an event first and runs its listener after. */
  const stopped = () =>
    vi.waitFor(
      async () =>
        expect(
          (await db().workspace.findUniqueOrThrow({ where: { slackTeamId: TEAM } })).uninstalledAt,
        ).not.toBeNull(),
      { timeout: 5_000 },
    );
  const weekly = () =>
    db().cadence.findFirstOrThrow({ where: { slackTeamId: TEAM, kind: "weekly_funnel_review" } });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      oauth: true,
      env: { ADMIN_USER_IDS: "U0OLGA" },
      now: "2026-11-23T14:00:00Z",
    });
    acme = new SlackRequests(`${cadence.baseUrl}/slack/events`, TEST_SIGNING_SECRET, TEAM);
    cadence.slack.addUser({ id: "U0OLGA", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
  });
  afterAll(() => cadence.stop());

  it("refuses a start without a key, since tokens are stored encrypted", async () => {
    await expect(
      startCadenceForTest({ provider, oauth: true, env: { CADENCE_ENCRYPTION_KEY: "" } }),
    ).rejects.toThrow(/CADENCE_ENCRYPTION_KEY is missing: installs by OAuth store/);
  });

  it("installs through /slack/install and stores the bot token sealed, never as given", async () => {
    const result = await installThroughOAuth(cadence, install);
    expect(result.status).toBe(200);
    expect(result.page).toContain("Cadence is installed");
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { id: `T:${TEAM}` } });
    const issued = cadence.slack.installs.grants.at(-1)!.token;
    expect(row.botToken).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row.botToken).not.toContain(issued);
    expect(row).toMatchObject({
      teamId: TEAM,
      isEnterpriseInstall: false,
      botUserId: `U0BOT${TEAM}`,
    });
    const workspace = await db().workspace.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
    expect(workspace).toMatchObject({ name: "Acme", uninstalledAt: null });
    // The standard cadences, announced to the person who installed, with the workspace's token.
    expect(await db().cadence.count({ where: { slackTeamId: TEAM } })).toBeGreaterThan(3);
    const welcome = postsBy(TEAM).find((call) => call.args.channel === "U0OLGA");
    expect(welcome?.args.text).toMatch(/standard cadences/);
    expect(welcome?.token).toBe(issued);
  });

  it("refuses the same callback twice: a state is good once", async () => {
    const start = await fetch(`${cadence.baseUrl}/slack/install`, { redirect: "manual" });
    const cookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    cadence.slack.installs.approveNextInstall(install);
    const consent = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    expect(back.searchParams.get("state")).toBe(state);
    const url = `${cadence.baseUrl}${back.pathname}${back.search}`;
    expect((await fetch(url, { headers: { cookie } })).status).toBe(200);
    const again = await fetch(url, { headers: { cookie } });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("Cadence was not installed");
  });

  it("answers the workspace's slash commands and posts its cadences with its own token", async () => {
    const list = await acme.slashCommand({ command: "/cadence", text: "list", user_id: "U0OLGA" });
    expect(list.status).toBe(200);
    expect(list.text).toContain("Weekly funnel review");
    await acme.slashCommand({
      command: "/cadence",
      text: "channel weekly <#C0ACMEREV|revenue>",
      user_id: "U0OLGA",
    });
    cadence.clock.set((await weekly()).nextDueAt!.toISOString());
    await cadence.sweep();
    const posted = postsIn("C0ACMEREV");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.token).toBe(cadence.slack.installs.grants.at(-1)!.token);
  });

  it("on app_uninstalled deletes the token at once and posts nothing more there", async () => {
    cadence.slack.installs.revoke({ teamId: TEAM });
    const answer = await acme.post(
      cadence.slack.installs.eventBody({ type: "app_uninstalled" }, { teamId: TEAM }),
      "application/json",
    );
    expect(answer.status).toBe(200);
    await stopped();
    expect(await db().slackInstallation.count({ where: { id: `T:${TEAM}` } })).toBe(0);
    const workspace = await db().workspace.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
    expect(workspace.uninstalledAt?.toISOString()).toBe(cadence.clock.now().toISOString());
    expect(await cadence.running.clients.forWorkspace(TEAM)).toBeNull();
    const before = cadence.slack.calls.length;
    cadence.clock.set((await weekly()).nextDueAt!.toISOString());
    await cadence.sweep();
    expect(cadence.slack.calls.slice(before)).toEqual([]);
    // The data stays for a reinstall.
    expect(await db().cadence.count({ where: { slackTeamId: TEAM } })).toBeGreaterThan(3);
  });

  it("resumes where it stopped after a reinstall within the retention", async () => {
    const due = (await weekly()).nextDueAt!;
    cadence.clock.set(new Date(due.getTime() + 60 * 60_000).toISOString());
    expect((await installThroughOAuth(cadence, install)).status).toBe(200);
    const workspace = await db().workspace.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
    expect(workspace.uninstalledAt).toBeNull();
    expect((await weekly()).channelId).toBe("C0ACMEREV");
    await cadence.sweep();
    // The occurrence missed while uninstalled is posted late (within the catch-up window).
    const posted = postsIn("C0ACMEREV");
    expect(posted).toHaveLength(2);
    expect(posted[1]!.token).toBe(cadence.slack.installs.grants.at(-1)!.token);
  });

  it("tokens_revoked for the bot stops the workspace too; the data goes after the retention", async () => {
    const answer = await acme.post(
      cadence.slack.installs.eventBody(
        { type: "tokens_revoked", tokens: { oauth: [], bot: [`U0BOT${TEAM}`] } },
        { teamId: TEAM },
      ),
      "application/json",
    );
    expect(answer.status).toBe(200);
    await stopped();
    expect(await db().slackInstallation.count()).toBe(0);
    const stoppedAt = cadence.clock.now().getTime();
    cadence.clock.set(new Date(stoppedAt + 29 * 86_400_000).toISOString());
    await cadence.sweep();
    expect(await db().workspace.count({ where: { slackTeamId: TEAM } })).toBe(1);
    cadence.clock.set(new Date(stoppedAt + 30 * 86_400_000 + 60_000).toISOString());
    await cadence.sweep();
    expect(await db().workspace.count({ where: { slackTeamId: TEAM } })).toBe(0);
    expect(await db().cadence.count({ where: { slackTeamId: TEAM } })).toBe(0);
  });

  it("lists workspaces for operators and purges an uninstalled one on request only", async () => {
    for (const teamId of ["T0BETA", "T0GAMMA"])
      expect((await installThroughOAuth(cadence, { teamId, teamName: teamId })).status).toBe(200);
    await acme.post(
      cadence.slack.installs.eventBody({ type: "app_uninstalled" }, { teamId: "T0BETA" }),
      "application/json",
    );
    await vi.waitFor(
      async () =>
        expect(
          (await db().workspace.findUniqueOrThrow({ where: { slackTeamId: "T0BETA" } }))
            .uninstalledAt,
        ).not.toBeNull(),
      { timeout: 5_000 },
    );
    const uninstalledAt = cadence.clock.now();
    const env = { DATABASE_URL: cadence.database.url, WORKSPACE_RETENTION_DAYS: "10" };
    const list = await cli(["workspace", "list"], env);
    expect(list.stdout.trim().split("\n")).toEqual([
      `T0BETA  T0BETA  uninstalled ${uninstalledAt.toISOString()}, purged after ${new Date(uninstalledAt.getTime() + 10 * 86_400_000).toISOString()}`,
      "T0GAMMA  T0GAMMA  installed",
    ]);
    const refused = await cli(["workspace", "purge", "T0GAMMA"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("T0GAMMA (T0GAMMA) is installed");
    const purged = await cli(["workspace", "purge", "T0BETA"], env);
    expect(purged.stdout.trim()).toBe("Everything stored for T0BETA is deleted.");
    expect(await db().workspace.count({ where: { slackTeamId: "T0BETA" } })).toBe(0);
    expect(await db().cadence.count({ where: { slackTeamId: "T0GAMMA" } })).toBeGreaterThan(3);
  });
});
