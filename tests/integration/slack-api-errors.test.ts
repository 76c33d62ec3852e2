import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { SlackAuthError, startCadence } from "../../src/main.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import {
  memoryLogger,
  startCadenceForTest,
  testEnv,
  type CadenceUnderTest,
} from "../helpers/cadence.js";
import { createTestDatabase } from "../helpers/databases.js";

describe("when Slack's Web API says no", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest();
  });
  afterAll(() => cadence.stop());

  it("waits out HTTP 429 Retry-After and then publishes the Home tab", async () => {
    cadence.slack.queue("views.publish", { kind: "rate_limited", retryAfterSeconds: 1 });
    const before = cadence.slack.callsTo("views.publish").length;
    const sentAt = Date.now();
    await cadence.requests.event({
      type: "app_home_opened",
      user: "U0RATE",
      channel: "D1",
      tab: "home",
    });
    await expect
      .poll(() => cadence.slack.callsTo("views.publish").length - before, { timeout: 10_000 })
      .toBe(2);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1000);
  });

  it("logs an ok:false error without crashing, and keeps serving", async () => {
    cadence.slack.queue("views.publish", { kind: "error", error: "invalid_blocks" });
    await cadence.requests.event({
      type: "app_home_opened",
      user: "U0ERR",
      channel: "D1",
      tab: "home",
    });
    await expect
      .poll(() => cadence.logLines.some((line) => line.includes("invalid_blocks")))
      .toBe(true);
    const help = await cadence.requests.slashCommand({ command: "/cadence", text: "help" });
    expect(help.status).toBe(200);
  });
});

describe("starting with a token Slack refuses", () => {
  it("stops with a message that says which token to fix, and frees its port", async () => {
    const slack = await new FakeSlack().start();
    const database = await createTestDatabase("sqlite");
    try {
      const config = loadConfig({
        ...testEnv(slack, database.url),
        SLACK_BOT_TOKEN: "xoxb-revoked",
      });
      const start = startCadence(config, memoryLogger().logger);
      await expect(start).rejects.toThrow(SlackAuthError);
      await expect(start).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    } finally {
      await slack.stop();
      await database.drop();
    }
  });
});
