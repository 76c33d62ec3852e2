import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadDatabaseUrl } from "../../src/config.js";

const valid = {
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99edabcd00d1",
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

describe("configuration", () => {
  it("fills every default a self-hoster can leave out", () => {
    const config = loadConfig(valid);
    expect(config.databaseUrl).toBe("file:./data/cadence.db");
    expect(config.http.port).toBe(3000);
    expect(config.slack.apiUrl).toBe("https://slack.com/api/");
    expect(config.slack.mode).toBe("http");
    expect(config.defaultTimezone).toBe("UTC");
    expect(config.adminUserIds).toEqual([]);
    expect(config.logLevel).toBe("info");
  });

  it("uses Socket Mode when an app-level token is set, and then needs no signing secret", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-A-1-abc" });
    expect(config.slack.mode).toBe("socket");
  });

  it("names each missing Slack variable and where to find it, one line each", () => {
    const problems = problemsOf({});
    expect(problems).toEqual([
      "SLACK_BOT_TOKEN is missing: set it for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to let workspaces install Cadence (Slack app > OAuth & Permissions > Bot User OAuth Token)",
      "SLACK_SIGNING_SECRET is missing: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode (Slack app > Basic Information > App Credentials > Signing Secret)",
    ]);
  });

  it("explains malformed values with what a valid one looks like", () => {
    const problems = problemsOf({
      ...valid,
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PORT: "eighty",
      DEFAULT_TIMEZONE: "Mars/Olympus",
      ADMIN_USER_IDS: "U012ABCDEF, alice",
      DATABASE_URL: "mysql://db",
      SLACK_API_URL: "not a url",
      LOG_LEVEL: "loud",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/),
        "PORT must be a port number",
        "DEFAULT_TIMEZONE must be an IANA timezone such as America/New_York",
        "ADMIN_USER_IDS must be Slack user ids such as U012ABCDEF, comma-separated",
        "DATABASE_URL must be file:<path> for SQLite or postgresql://user@host:5432/db",
        "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/",
        "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it("reads admin ids, a GovSlack API URL and a Postgres URL", () => {
    const config = loadConfig({
      ...valid,
      ADMIN_USER_IDS: "U012ABCDEF, W0987ZYX",
      SLACK_API_URL: "https://slack-gov.com/api",
      DATABASE_URL: "postgresql://cadence@db:5432/cadence",
      OPENAI_API_KEY: "",
    });
    expect(config.adminUserIds).toEqual(["U012ABCDEF", "W0987ZYX"]);
    expect(config.slack.apiUrl).toBe("https://slack-gov.com/api/");
    expect(config.databaseUrl).toBe("postgresql://cadence@db:5432/cadence");
    expect(config.openai.apiKey).toBeUndefined();
  });

  it("lets `cadence migrate` run with only a database URL", () => {
    expect(loadDatabaseUrl({})).toBe("file:./data/cadence.db");
    expect(() => loadDatabaseUrl({ DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
  });
});
