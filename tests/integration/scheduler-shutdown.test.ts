// `cadence start` stops promptly on SIGTERM even while Slack hangs: it stops claiming, lets
// in-flight work finish for a moment, then gives its claims back so another replica (or the next
// start) takes the work over at once.
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { testEnv } from "../helpers/cadence.js";
import { runCadence, type CadenceProcess } from "../helpers/cadence-process.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { seedDueCadences } from "../helpers/seed.js";

describeEachDatabase("shutdown", (provider) => {
  let slack: FakeSlack;
  let database: TestDatabase;
  let cadence: CadenceProcess | undefined;

  afterEach(async () => {
    await cadence?.stop("SIGKILL");
    await slack.stop();
    await database.drop();
  });

  it("exits within 10 s of SIGTERM while a Slack call hangs, and gives back its claims", async () => {
    slack = await new FakeSlack().start();
    database = await createTestDatabase(provider);
    await seedDueCadences(database.url, slack.teamId, new Date(Date.now() + 1_000), 3);
    slack.hang("chat.postMessage");
    cadence = runCadence(["start"], {
      ...testEnv(slack, database.url),
      LOG_LEVEL: "info",
      SCHEDULER_ENABLED: "true",
      SCHEDULER_SWEEP_SECONDS: "1",
    });
    await cadence.ready;
    await slack.waitForCall("chat.postMessage", () => true, 15_000);

    const signalledAt = Date.now();
    const exitCode = await cadence.stop("SIGTERM");
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(exitCode).toBe(0);

    const check = openDatabase(database.url);
    try {
      const held = await check.db.claim.findMany({ where: { status: "claimed" } });
      expect(held.length).toBeGreaterThan(0);
      for (const claim of held) expect(claim.leaseUntil.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      await check.close();
    }
  }, 30_000);
});
