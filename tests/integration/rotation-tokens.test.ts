// Token rotation and key rotation. A bot token about to expire is refreshed (oauth.v2.access,
// grant_type=refresh_token) before scheduled work uses it, with no incoming event involved, and
// the new pair is stored sealed; a token far from expiry is left alone. `cadence keys rotate`
// seals every stored secret (Slack tokens and CRM credentials) again with the new key.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  openSecret,
  parseEncryptionKey,
  sealedKeyId,
  sealSecret,
} from "../../src/crypto/secrets.js";
import { standaloneClients } from "../../src/slack/standalone-clients.js";
import { loadConfig } from "../../src/config.js";
import {
  OAUTH_TEST_ENV,
  startCadenceForTest,
  TEST_ENCRYPTION_KEY,
  testEnv,
  memoryLogger,
  type CadenceUnderTest,
} from "../helpers/cadence.js";
import { freshWorkdir, PROJECT_ROOT } from "../helpers/cadence-process.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { installThroughOAuth } from "../helpers/installs.js";

const ROTATING = "T0ROTATE";
const STEADY = "T0STEADY";
const TWELVE_HOURS = 12 * 3600;
const NEW_KEY = "a7".repeat(32);

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

describeEachDatabase("token rotation and key rotation", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const key = parseEncryptionKey(TEST_ENCRYPTION_KEY);
  const grantsFor = (team: string, grantType: string) =>
    cadence.slack.installs.grants.filter(
      (grant) => grant.grantType === grantType && grant.token.startsWith(`xoxb-${team}-`),
    );
  const setChannel = (team: string, channel: string) =>
    db().cadence.updateMany({
      where: { slackTeamId: team, kind: "weekly_funnel_review" },
      data: { channelId: channel },
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider, oauth: true, now: "2026-11-23T14:00:00Z" });
    for (const teamId of [ROTATING, STEADY]) {
      const result = await installThroughOAuth(cadence, { teamId, expiresIn: TWELVE_HOURS });
      expect(result.status).toBe(200);
    }
    await setChannel(ROTATING, "C0ROTATE");
    await setChannel(STEADY, "C0STEADY");
  });
  afterAll(() => cadence.stop());

  it("refreshes a token that expires within two hours before a scheduled post, and stores it sealed", async () => {
    const firstToken = grantsFor(ROTATING, "authorization_code")[0]!.token;
    // Eleven and a half hours later, as far as the stored expiry says.
    const soon = new Date(Date.now() + 30 * 60_000);
    await db().slackInstallation.update({
      where: { id: `T:${ROTATING}` },
      data: { botTokenExpiresAt: soon },
    });
    const weekly = await db().cadence.findFirstOrThrow({
      where: { slackTeamId: ROTATING, kind: "weekly_funnel_review" },
    });
    cadence.clock.set(weekly.nextDueAt!.toISOString());
    await cadence.sweep();

    const refreshed = grantsFor(ROTATING, "refresh_token");
    expect(refreshed).toHaveLength(1);
    const newToken = refreshed[0]!.token;
    expect(newToken).not.toBe(firstToken);
    // The fake refuses the replaced token from now on; the post went out with the new one.
    const posts = cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === "C0ROTATE" && !call.args.thread_ts);
    expect(posts.map((call) => call.token)).toEqual([newToken]);
    const row = await db().slackInstallation.findUniqueOrThrow({ where: { id: `T:${ROTATING}` } });
    expect(openSecret(row.botToken, key)).toBe(newToken);
    expect(row.botToken).not.toContain(newToken);
    expect(openSecret(row.botRefreshToken!, key)).toMatch(/^xoxe-1-/);
    expect(row.botTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 3_600_000);
  });

  it("leaves a token far from its expiry alone", () => {
    // Due at the same time as the other workspace's, so the sweep above posted it.
    expect(grantsFor(STEADY, "refresh_token")).toEqual([]);
    const posts = cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === "C0STEADY" && !call.args.thread_ts);
    expect(posts.map((call) => call.token)).toEqual([
      grantsFor(STEADY, "authorization_code")[0]!.token,
    ]);
  });

  it("cadence keys rotate seals Slack tokens and CRM credentials with the new key", async () => {
    await db().crmConnection.create({
      data: {
        slackTeamId: STEADY,
        provider: "hubspot",
        credentials: sealSecret("pat-na1-steady-secret", key),
        settings: {},
      },
    });
    const env = {
      DATABASE_URL: cadence.database.url,
      CADENCE_ENCRYPTION_KEY: NEW_KEY,
      CADENCE_PREVIOUS_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
    };
    const run = await cli(["keys", "rotate"], env);
    expect(run.stderr).toBe("");
    const newKey = parseEncryptionKey(NEW_KEY);
    expect(run.stdout).toContain(`Sealed 3 secret(s) with key ${newKey.id}; 0 already were.`);
    const rows = await db().slackInstallation.findMany();
    const sealed = [
      ...rows.flatMap((row) => [row.botToken, row.botRefreshToken!]),
      (await db().crmConnection.findFirstOrThrow()).credentials,
    ];
    expect(sealed.map(sealedKeyId)).toEqual(sealed.map(() => newKey.id));
    expect(openSecret(sealed.at(-1)!, newKey)).toBe("pat-na1-steady-secret");
    // Again: nothing left to do.
    const again = await cli(["keys", "rotate"], env);
    expect(again.stdout).toContain("Sealed 0 secret(s)");
    // With only the new key, the workspaces' clients still work.
    const config = loadConfig({
      ...testEnv(cadence.slack, cadence.database.url),
      ...OAUTH_TEST_ENV,
      CADENCE_ENCRYPTION_KEY: NEW_KEY,
    });
    const clients = standaloneClients(config, db(), memoryLogger().logger);
    const steady = await clients.forWorkspace(STEADY);
    expect((await steady!.auth.test()).team_id).toBe(STEADY);
  });
});
