// The scheduled-work client retries a call only after a 429, which Slack did not carry out: a call
// that timed out or met a 5xx may have been posted all the same, so it goes back to the scheduler,
// which looks for the post before trying again (src/scheduler/deliver-once.ts).
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { scheduledWorkOptions } from "../../src/slack/app.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { memoryLogger, testEnv } from "../helpers/cadence.js";

describe("the scheduled-work Slack client", () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    slack.calls.length = 0;
    slack.latencyMs = () => 0;
    const config = loadConfig(testEnv(slack, "file:./data/unused.db"));
    const options = scheduledWorkOptions(config, memoryLogger("silent").logger);
    client = new WebClient(config.slack.botToken, {
      ...options,
      timeout: 300,
      retryConfig: { ...options.retryConfig, minTimeout: 10, maxTimeout: 20 },
    });
  });

  it("does not send a post again after a timeout: Slack may have posted it", async () => {
    slack.latencyMs = (method) => (method === "chat.postMessage" ? 1_000 : 0);
    await expect(client.chat.postMessage({ channel: "C0TIMEOUT", text: "once" })).rejects.toThrow();
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("does not send a post again after Slack's 500", async () => {
    const heal = slack.replyWhen("chat.postMessage", () => true, {
      kind: "error",
      error: "internal_error",
      status: 500,
    });
    await expect(client.chat.postMessage({ channel: "C0FAILS", text: "once" })).rejects.toThrow();
    heal();
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("waits out a 429 and sends the post again, once", async () => {
    slack.enforceRateLimits({ postBurst: 1 });
    await client.chat.postMessage({ channel: "C0BUSY", text: "first" });
    await client.chat.postMessage({ channel: "C0BUSY", text: "second" });
    const posts = slack.callsTo("chat.postMessage");
    expect(slack.rateLimitedCalls).toHaveLength(1);
    expect(posts).toHaveLength(3);
    expect(slack.messages.filter((m) => m.channel === "C0BUSY").map((m) => m.text)).toEqual([
      "first",
      "second",
    ]);
  });
});
