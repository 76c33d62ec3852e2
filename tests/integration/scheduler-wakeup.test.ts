// The scheduler wakes up at the next due time (node-schedule), not only on its periodic sweep,
// and re-reads that time when a cadence changes: no restart needed.
import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import type { FiringDeps } from "../../src/cadences/firing.js";
import { earliestNextDueAt } from "../../src/cadences/store.js";
import { registerDuties } from "../../src/main.js";
import { singleWorkspaceClients } from "../../src/slack/clients.js";
import { createWorkPool } from "../../src/scheduler/pool.js";
import { DEFAULT_RETRY_POLICY } from "../../src/scheduler/retry-policy.js";
import { startScheduler, type Scheduler } from "../../src/scheduler/scheduler.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { memoryLogger } from "../helpers/cadence.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { seedDueCadences } from "../helpers/seed.js";

describeEachDatabase("scheduler wake-up", (provider) => {
  let slack: FakeSlack;
  let testDb: TestDatabase;
  let database: Database;
  let scheduler: Scheduler;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    testDb = await createTestDatabase(provider);
    // Nothing due for a day: the first sweep finds no work and the next periodic sweep is 59 s away.
    await seedDueCadences(testDb.url, slack.teamId, new Date(Date.now() + 86_400_000), 1);
    database = openDatabase(testDb.url);
    const deps: FiringDeps = {
      db: database.db,
      provider: database.provider,
      slack: singleWorkspaceClients(
        database.db,
        new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl }),
      ),
      clock: systemClock,
      logger: memoryLogger("info").logger,
      owner: "wake-up-test",
      pool: createWorkPool(16),
      policy: {
        leaseMs: 60_000,
        retry: DEFAULT_RETRY_POLICY,
        catchUpWindowMs: 3_600_000,
        lateAfterMs: 120_000,
      },
    };
    scheduler = startScheduler(deps, registerDuties(deps), {
      sweepIntervalSeconds: 59,
      nextWakeUp: () => earliestNextDueAt(database.db),
    });
    await scheduler.sweep();
  });
  afterAll(async () => {
    await scheduler.stop();
    await database.close();
    await slack.stop();
    await testDb.drop();
  });

  it("posts a cadence whose due time moved closer within a second of it, after a reload", async () => {
    const dueAt = new Date(Date.now() + 1_500);
    await database.db.cadence.updateMany({ data: { nextDueAt: dueAt } });
    await scheduler.reload();
    await expect
      .poll(() => slack.messages.filter((m) => m.channel.startsWith("C0LOAD")).length, {
        timeout: 5_000,
        interval: 50,
      })
      .toBe(1);
    const postedAt = Date.now();
    expect(postedAt - dueAt.getTime()).toBeLessThan(2_000);
  });
});
