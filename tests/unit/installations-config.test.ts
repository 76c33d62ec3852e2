// The two modes' configuration, the keys of a rotation, and the install's scopes, as plain
// functions: which variables choose OAuth mode, what is refused, and that secrets sealed with an
// old key open during a rotation and are sealed again with the new one exactly once.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "../../src/config.js";
import {
  openSecret,
  parseEncryptionKey,
  resealSecret,
  sealedKeyId,
  sealSecret,
  SecretsError,
} from "../../src/crypto/secrets.js";
import { BOT_SCOPES } from "../../src/installations/installer.js";
import { installationId } from "../../src/installations/store.js";
import { PROJECT_ROOT } from "../helpers/cadence-process.js";

const OLD = "11".repeat(32);
const NEW = "22".repeat(32);
const oauth = {
  SLACK_CLIENT_ID: "1111111111.2222222222",
  SLACK_CLIENT_SECRET: "fakeclientsecret0123456789abcdef",
  SLACK_STATE_SECRET: "a-state-secret-of-some-length",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99edabcd00d1",
  CADENCE_ENCRYPTION_KEY: NEW,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the two modes", () => {
  it("is OAuth mode with the three OAuth variables and no bot token", () => {
    const config = loadConfig(oauth);
    expect(config.slack.oauth).toEqual({
      clientId: oauth.SLACK_CLIENT_ID,
      clientSecret: oauth.SLACK_CLIENT_SECRET,
      stateSecret: oauth.SLACK_STATE_SECRET,
    });
    expect(config.slack.botToken).toBeUndefined();
    expect(config.workspaceRetentionMs).toBe(30 * 86_400_000);
  });

  it("is single-workspace mode with a bot token alone", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-A-1-abc" });
    expect(config.slack.oauth).toBeUndefined();
  });

  it("refuses both modes at once, part of the OAuth trio, and OAuth without a key", () => {
    expect(problemsOf({ ...oauth, SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([
      "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET are both set: choose one mode (unset SLACK_BOT_TOKEN for installs by OAuth) (Slack app > OAuth & Permissions > Bot User OAuth Token)",
    ]);
    expect(problemsOf({ ...oauth, SLACK_STATE_SECRET: "" })).toEqual([
      "SLACK_CLIENT_ID with SLACK_CLIENT_SECRET and SLACK_STATE_SECRET: all three must be set for installs by OAuth, and some are missing (Slack app > Basic Information > App Credentials)",
    ]);
    expect(problemsOf({ ...oauth, CADENCE_ENCRYPTION_KEY: "" })).toEqual([
      "CADENCE_ENCRYPTION_KEY is missing: installs by OAuth store each workspace's tokens encrypted with it (keep it with your backups: stored CRM credentials and Slack tokens need it)",
    ]);
  });

  it("reads the retention in days and the previous keys of a rotation", () => {
    const config = loadConfig({
      ...oauth,
      WORKSPACE_RETENTION_DAYS: "7",
      CADENCE_PREVIOUS_ENCRYPTION_KEYS: ` ${OLD} ,`,
    });
    expect(config.workspaceRetentionMs).toBe(7 * 86_400_000);
    expect(config.crm.previousKeys.map((key) => key.id)).toEqual([parseEncryptionKey(OLD).id]);
    expect(problemsOf({ ...oauth, CADENCE_PREVIOUS_ENCRYPTION_KEYS: "short" })[0]).toMatch(
      /^CADENCE_PREVIOUS_ENCRYPTION_KEYS each key must be 32 random bytes/,
    );
  });
});

describe("a key rotation", () => {
  const oldKey = parseEncryptionKey(OLD);
  const newKey = parseEncryptionKey(NEW);

  it("opens a secret sealed with a previous key, and refuses it without that key", () => {
    const sealed = sealSecret("xoxb-T1-1", oldKey);
    expect(openSecret(sealed, newKey, [oldKey])).toBe("xoxb-T1-1");
    expect(() => openSecret(sealed, newKey)).toThrow(SecretsError);
  });

  it("seals again with the new key once; a secret already under it is left", () => {
    const sealed = sealSecret("xoxb-T1-1", oldKey);
    const resealed = resealSecret(sealed, newKey, [oldKey])!;
    expect(sealedKeyId(resealed)).toBe(newKey.id);
    expect(openSecret(resealed, newKey)).toBe("xoxb-T1-1");
    expect(resealSecret(resealed, newKey, [oldKey])).toBeNull();
  });
});

describe("installations", () => {
  it("are one row per workspace, or one per org for an org-wide install", () => {
    expect(installationId({ isEnterpriseInstall: false, teamId: "T1", enterpriseId: "E1" })).toBe(
      "T:T1",
    );
    expect(installationId({ isEnterpriseInstall: true, teamId: "T1", enterpriseId: "E1" })).toBe(
      "E:E1",
    );
    expect(() => installationId({ isEnterpriseInstall: true })).toThrow();
  });

  it("ask for exactly the manifest's bot scopes", () => {
    const manifest = parse(
      readFileSync(path.join(PROJECT_ROOT, "manifests", "slack-app.yaml"), "utf8"),
    ) as { oauth_config: { scopes: { bot: string[] } } };
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });
});
