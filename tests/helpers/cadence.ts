// Starts the real Cadence (startCadence) in this process against a fake Slack and a fresh test
// database, in HTTP mode or Socket Mode, and gives tests what they need to drive it.
import { Writable } from "node:stream";
import { fixedClock } from "../../src/clock.js";
import { runDuties } from "../../src/scheduler/scheduler.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { FiringDeps } from "../../src/cadences/firing.js";
import type { Clock } from "../../src/clock.js";
import {
  registerDuties,
  schedulerDeps,
  startCadence,
  type RunningCadence,
} from "../../src/main.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from "../fakes/fake-slack-installs.js";
import { createTestDatabase, type TestDatabase, type TestProvider } from "./databases.js";
import { SlackRequests } from "./signed-requests.js";

export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99edabcd00d1";

export interface CadenceUnderTest {
  slack: FakeSlack;
  database: TestDatabase;
  running: RunningCadence;
  config: Config;
  baseUrl: string;
  requests: SlackRequests;
  clock: ReturnType<typeof fixedClock>;
  logLines: string[];
  /** Runs the scheduler's duties once at the test clock's time (the scheduler is off in tests). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  provider?: TestProvider;
  mode?: "http" | "socket";
  env?: Record<string, string>;
  now?: string;
  /** Installs by OAuth (many workspaces) instead of the one SLACK_BOT_TOKEN. */
  oauth?: boolean;
}

/** A fixed CADENCE_ENCRYPTION_KEY for tests (32 bytes, hex). */
export const TEST_ENCRYPTION_KEY = "5f".repeat(32);

/** What OAuth mode adds to testEnv: the fake's app credentials, a state secret and a key. */
export const OAUTH_TEST_ENV: Record<string, string> = {
  SLACK_BOT_TOKEN: "",
  SLACK_CLIENT_ID: FAKE_CLIENT_ID,
  SLACK_CLIENT_SECRET: FAKE_CLIENT_SECRET,
  SLACK_STATE_SECRET: "test-state-secret-0123456789",
  CADENCE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
};

/** A logger that keeps every JSON line, so tests can read what was logged. */
export function memoryLogger(level = "debug"): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, pretty: false, destination }), lines };
}

export function testEnv(
  slack: FakeSlack,
  databaseUrl: string,
  mode: "http" | "socket" = "http",
): Record<string, string> {
  return {
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    ...(mode === "socket" ? { SLACK_APP_TOKEN: slack.appToken } : {}),
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "debug",
    DEFAULT_TIMEZONE: "America/New_York",
    SCHEDULER_ENABLED: "false",
    // Tests sweep at a test clock's pace, many times a second: no pacing unless a test asks.
    SLACK_POST_INTERVAL_MS: "0",
  };
}

/** What the scheduler's duties get in production (src/main.ts), with the test's clock. */
export const testSchedulerDeps = (
  config: Config,
  running: Pick<RunningCadence, "database" | "clients">,
  clock: Clock,
  logger: Logger,
): FiringDeps =>
  schedulerDeps(config, running.database, running.clients, clock, logger, "test-replica", 2_000);

export async function startCadenceForTest(options: StartOptions = {}): Promise<CadenceUnderTest> {
  const slack = await new FakeSlack().start();
  const database = await createTestDatabase(options.provider ?? "sqlite");
  const config = loadConfig({
    ...testEnv(slack, database.url, options.mode),
    ...(options.oauth ? OAUTH_TEST_ENV : {}),
    ...options.env,
  });
  const { logger, lines } = memoryLogger();
  const clock = fixedClock(options.now ?? "2026-11-23T14:00:00Z");
  const running = await startCadence(config, logger, clock);
  if (options.mode === "socket") await slack.waitForSocketConnection();
  const baseUrl = `http://127.0.0.1:${running.port}`;
  const schedulerDeps = testSchedulerDeps(config, running, clock, logger);
  return {
    slack,
    database,
    running,
    config,
    baseUrl,
    requests: new SlackRequests(`${baseUrl}/slack/events`, TEST_SIGNING_SECRET, slack.teamId),
    clock,
    logLines: lines,
    sweep: () => runDuties(registerDuties(schedulerDeps, config.workspaceRetentionMs), logger),
    async stop() {
      await running.stop();
      await slack.stop();
      await database.drop();
    },
  };
}
