// The real `cadence start` (HTTP mode, production logging) on a fresh SQLite file with a fake
// Slack, for the benches that time what a person or a client waits for while it serves.
import { FakeSlack } from "../tests/fakes/fake-slack.js";
import { TEST_SIGNING_SECRET, testEnv } from "../tests/helpers/cadence.js";
import { runCadence } from "../tests/helpers/cadence-process.js";
import { createTestDatabase } from "../tests/helpers/databases.js";
import { SlackRequests } from "../tests/helpers/signed-requests.js";

export interface ServedCadence {
  /** http://127.0.0.1:<port> */
  base: string;
  databaseUrl: string;
  teamId: string;
  /** Signed requests to /slack/events. */
  requests: SlackRequests;
}

/** Runs `work` against a started Cadence, and stops it, its fake Slack and its database after. */
export async function withServedCadence<T>(
  work: (served: ServedCadence) => Promise<T>,
): Promise<T> {
  const slack = await new FakeSlack().start();
  const database = await createTestDatabase("sqlite");
  const cadence = runCadence(["start"], {
    ...testEnv(slack, database.url),
    LOG_LEVEL: "info",
    NODE_ENV: "production",
  });
  try {
    const base = `http://127.0.0.1:${await cadence.ready}`;
    const requests = new SlackRequests(`${base}/slack/events`, TEST_SIGNING_SECRET, slack.teamId);
    return await work({ base, databaseUrl: database.url, teamId: slack.teamId, requests });
  } finally {
    await cadence.stop();
    await slack.stop();
    await database.drop();
  }
}
