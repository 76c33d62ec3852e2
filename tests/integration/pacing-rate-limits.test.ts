// Against a fake Slack that enforces its rate limits (about one post a second per channel, HTTP
// 429 with Retry-After past that): paced, five posts due at once in one channel go out a second
// apart with no 429, and another channel's post does not wait behind them; unpaced, Slack answers
// 429 and the client waits out Retry-After, so every post still arrives once.
import { afterEach, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("posting at Slack's pace", (provider) => {
  let cadence: CadenceUnderTest | undefined;
  afterEach(async () => {
    await cadence?.stop();
    cadence = undefined;
  });

  /** Five cadences due now in C0BUSY and one in C0QUIET; the rest of the workspace's are off. */
  const start = async (intervalMs: number) => {
    cadence = await startCadenceForTest({
      provider,
      env: { SLACK_POST_INTERVAL_MS: String(intervalMs) },
    });
    const db = cadence.running.database.db;
    await db.cadence.updateMany({ data: { active: false } });
    await db.cadence.createMany({
      data: ["C0BUSY", "C0BUSY", "C0BUSY", "C0BUSY", "C0BUSY", "C0QUIET"].map((channelId, i) => ({
        slackTeamId: cadence!.slack.teamId,
        kind: "custom",
        title: `Paced cadence ${i + 1}`,
        recurrence: {
          kind: "weekly",
          weekdays: ["monday"],
          time: "09:00",
          everyWeeks: 1,
          anchor: "2026-01-05",
        },
        timezone: "UTC",
        channelId,
        driSlackUserId: "U0BOB",
        reminderOffsetsMinutes: [],
        nextDueAt: cadence!.clock.now(),
      })),
    });
    cadence.slack.enforceRateLimits();
    // When each post reached Slack (real time), by channel.
    const arrivals: Array<{ channel: string; at: number }> = [];
    const store = cadence.slack.messages.push.bind(cadence.slack.messages);
    cadence.slack.messages.push = (...messages) => {
      for (const message of messages) arrivals.push({ channel: message.channel, at: Date.now() });
      return store(...messages);
    };
    return arrivals;
  };
  const keysPosted = () =>
    cadence!.slack.messages
      .filter((m) => m.channel === "C0BUSY" || m.channel === "C0QUIET")
      .map((m) => String(m.metadata?.event_payload.key));

  it("posts one channel's due cadences a second apart, with no 429, and the other channel's at once", async () => {
    const arrivals = await start(1_000);
    const started = Date.now();
    await cadence!.sweep();

    expect(cadence!.slack.rateLimitedCalls).toHaveLength(0);
    expect(new Set(keysPosted()).size).toBe(6);
    expect(keysPosted()).toHaveLength(6);
    const busy = arrivals.filter((a) => a.channel === "C0BUSY").map((a) => a.at);
    expect(busy).toHaveLength(5);
    // Timers fire late, never early; a few milliseconds go to the claim between start and post.
    for (let i = 1; i < busy.length; i += 1)
      expect(busy[i]! - busy[i - 1]!).toBeGreaterThanOrEqual(900);
    const quiet = arrivals.find((a) => a.channel === "C0QUIET")!;
    expect(quiet.at - started).toBeLessThan(900);
  });

  it("without pacing, is answered 429 and still posts each once, the client waiting out Retry-After", async () => {
    await start(0);
    await cadence!.sweep();

    const limited = cadence!.slack.rateLimitedCalls;
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((call) => call.args.channel === "C0BUSY")).toBe(true);
    expect(new Set(keysPosted()).size).toBe(6);
    expect(keysPosted()).toHaveLength(6);
  });
});
