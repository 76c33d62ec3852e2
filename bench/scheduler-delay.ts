// How late posts are when 1,000 cadences fall due in the same minute: the delay from each
// occurrence's due time to Slack receiving its post, and the process's peak memory (VmHWM).
// Against a fake Slack that enforces Slack's rate limits (about one post a second per channel),
// with how many calls it answered 429: Cadence paces its posts per channel, so it should get none.
import { readFileSync } from "node:fs";
import { FakeSlack } from "../tests/fakes/fake-slack.js";
import { testEnv } from "../tests/helpers/cadence.js";
import { runCadence } from "../tests/helpers/cadence-process.js";
import { createTestDatabase, type TestProvider } from "../tests/helpers/databases.js";
import { seedDueCadences } from "../tests/helpers/seed.js";
import { percentile } from "./stats.js";

export interface SchedulerDelay {
  provider: TestProvider;
  cadences: number;
  channels: number;
  /** Calls the fake Slack answered HTTP 429. */
  rateLimited: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  peakRssMb: number;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

export async function benchSchedulerDelay(
  provider: TestProvider,
  cadences = 1_000,
  channels = 10,
): Promise<SchedulerDelay> {
  const slack = (await new FakeSlack().start()).enforceRateLimits();
  const received: number[] = [];
  const original = slack.messages.push.bind(slack.messages);
  slack.messages.push = (...messages) => {
    for (let i = 0; i < messages.length; i += 1) received.push(Date.now());
    return original(...messages);
  };
  const database = await createTestDatabase(provider);
  const dueAt = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
  await seedDueCadences(database.url, slack.teamId, dueAt, cadences, channels);
  const cadence = runCadence(["start"], {
    ...testEnv(slack, database.url),
    LOG_LEVEL: "info",
    SCHEDULER_ENABLED: "true",
    SCHEDULER_SWEEP_SECONDS: "5",
    SLACK_POST_INTERVAL_MS: "1000",
  });
  try {
    await cadence.ready;
    // At a post a second per channel, the last post of the busiest channel goes out this late.
    const floorMs = (Math.ceil(cadences / channels) - 1) * 1_000;
    const deadline = Date.now() + 120_000 + 2 * floorMs;
    while (received.length < cadences && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (received.length < cadences)
      throw new Error(`only ${received.length} of ${cadences} posts arrived`);
    const delays = received.map((at) => at - dueAt.getTime());
    return {
      provider,
      cadences,
      channels,
      rateLimited: slack.rateLimitedCalls.length,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      maxMs: Math.max(...delays),
      peakRssMb: peakRssMb(cadence.child.pid!),
    };
  } finally {
    await cadence.stop();
    await slack.stop();
    await database.drop();
  }
}
