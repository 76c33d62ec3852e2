// The admins are told about the scheduled CRM sync unasked: once after CRM_FAILURES_TO_NOTIFY
// failed syncs in a row (with the last error, escaped), never again during that run of failures,
// once when a sync works again, and once a day when the sync stops under HubSpot's daily
// allowance floor; with two replicas, and when Slack fails the first post, still once each.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { loadConfig, type Config } from "../../src/config.js";
import { connectHubspot } from "../../src/crm/service.js";
import { crmSyncDuty } from "../../src/crm/sync-duty.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { standaloneClients } from "../../src/slack/standalone-clients.js";
import { schedulerDeps } from "../../src/main.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { FakeSlack, type StoredMessage } from "../fakes/fake-slack.js";
import { memoryLogger, testEnv } from "../helpers/cadence.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { seedPortal } from "../helpers/hubspot-portal.js";

const TEAM = "T0CADENCE";
const ADMIN_CHANNEL = "C0ADMINS";
const INTERVAL_MS = 5 * 60_000;
/** Untrusted text in HubSpot's answer: a mention, a disguised link, an ampersand. */
const HOSTILE = "gateway down <!channel> see <https://evil.test|status> & retry";
const HOSTILE_ESCAPED =
  "gateway down &lt;!channel&gt; see &lt;https://evil.test|status&gt; &amp; retry";
/** One attempt per HubSpot call, so a failing sync fails at once. */
const NO_RETRY = { attempts: 1, baseDelayMs: 1, maxWaitMs: 1, sleep: () => Promise.resolve() };

describeEachDatabase("the admins told about the CRM sync", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let hubspot: FakeHubspot;
  let slack: FakeSlack;
  let config: Config;
  const clock = fixedClock("2026-11-30T12:00:00Z");
  const { logger } = memoryLogger("silent");

  const replica = (owner: string) =>
    crmSyncDuty({
      database,
      config: config.crm,
      clock,
      logger,
      owner,
      retry: NO_RETRY,
      notices: {
        delivery: schedulerDeps(
          config,
          database,
          standaloneClients(config, database.db, logger),
          clock,
          logger,
          owner,
        ),
        adminUserIds: config.adminUserIds,
      },
    });
  let replicas: ReturnType<typeof replica>[] = [];
  /** One sweep on both replicas at once, and the syncs they started, finished. */
  const sweep = async () => {
    await Promise.all(replicas.map((r) => r.duty()));
    await Promise.all(replicas.map((r) => r.idle()));
  };
  /** The next interval, then a sweep. */
  const nextInterval = async () => {
    clock.set(new Date(clock.now().getTime() + INTERVAL_MS));
    await sweep();
  };
  const postsTo = (channel: string): StoredMessage[] =>
    slack.messages.filter((message) => message.channel === channel);
  const textOf = (message: StoredMessage | undefined) =>
    typeof message?.text === "string" ? message.text : "";
  const connection = () =>
    database.db.crmConnection.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
  const failHubspot = () => (hubspot.failing = { next: 1_000, status: 502, message: HOSTILE });
  const healHubspot = () => (hubspot.failing = { next: 0, status: 502 });

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    slack = await new FakeSlack().start();
    testDb = await createTestDatabase(provider);
    config = loadConfig({
      ...testEnv(slack, testDb.url),
      ADMIN_USER_IDS: "U0OPS,U0CFO",
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HUBSPOT_API_URL: hubspot.baseUrl,
      CRM_SYNC_MINUTES: "5",
    });
    expect(config.crm.failuresBeforeNotice).toBe(3);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: {
        slackTeamId: TEAM,
        name: "Acme",
        timezone: "UTC",
        settings: { adminChannelId: ADMIN_CHANNEL },
      },
    });
    const connected = await connectHubspot(
      database.db,
      { config: config.crm },
      { slackTeamId: TEAM, token: hubspot.accessToken },
    );
    expect(connected.ok).toBe(true);
    replicas = [replica("replica-a"), replica("replica-b")];
  });
  beforeEach(() => {
    slack.messages.length = 0;
    slack.calls.length = 0;
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
    await hubspot.stop();
    await slack.stop();
  });

  it("tells the admin channel once after three failed syncs, with the error escaped, and once when it works again", async () => {
    await sweep();
    expect((await connection()).lastSuccessAt).not.toBeNull();

    failHubspot();
    await nextInterval();
    await nextInterval();
    expect(await connection()).toMatchObject({ consecutiveFailures: 2 });
    expect(postsTo(ADMIN_CHANNEL)).toEqual([]);
    const firstFailure = (await connection()).failingSince!;

    await nextInterval();
    const [notice, ...others] = postsTo(ADMIN_CHANNEL);
    expect(others).toEqual([]);
    const text = textOf(notice);
    expect(text).toContain(
      ":warning: *The HubSpot sync has failed 3 times in a row*, since <!date^",
    );
    expect(text).toContain(`^{date_short_pretty} at {time}|${firstFailure.toISOString()}>`);
    expect(text).toContain(`> HubSpot answered 502: ${HOSTILE_ESCAPED}`);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil.test");
    expect(text).toContain("*What to do:*");
    expect(text).toContain("`/cadence crm sync` tries again at once");

    // More failures: nothing more.
    await nextInterval();
    await nextInterval();
    expect(await connection()).toMatchObject({ consecutiveFailures: 5 });
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(1);

    healHubspot();
    await nextInterval();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(2);
    const recovery = textOf(postsTo(ADMIN_CHANNEL)[1]);
    expect(recovery).toMatch(/^:white_check_mark: \*The HubSpot sync works again\*: it succeeded/);
    expect(recovery).toContain(`|${firstFailure.toISOString()}>`);
    expect(await connection()).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
      failureNoticeSince: null,
    });

    // Good syncs after that: nothing.
    await nextInterval();
    await nextInterval();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(2);
  });

  it("posts each notice once when two replicas find it due at the same moment", async () => {
    // Three failures were recorded, and the replica that failed last died before telling anyone.
    const since = new Date(clock.now().getTime() - 3 * INTERVAL_MS);
    await database.db.crmConnection.update({
      where: { slackTeamId: TEAM },
      data: {
        consecutiveFailures: 3,
        failingSince: since,
        lastError: "HubSpot answered 502: internal error",
        lastErrorAt: since,
      },
    });
    failHubspot();
    await nextInterval();
    await sweep();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(1);
    expect(textOf(postsTo(ADMIN_CHANNEL)[0])).toContain("has failed 3 times in a row");

    healHubspot();
    await nextInterval();
    await sweep();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(2);
    expect(textOf(postsTo(ADMIN_CHANNEL)[1])).toContain("works again");
    const keys = (
      await database.db.claim.findMany({
        where: {
          key: { contains: since.toISOString() },
          NOT: { key: { startsWith: "crm.sync:" } },
        },
      })
    )
      .map((claim) => [claim.key, claim.status])
      .sort();
    expect(keys).toEqual([
      [`crm.failing:${TEAM}:${since.toISOString()}:${ADMIN_CHANNEL}`, "done"],
      [`crm.recovered:${TEAM}:${since.toISOString()}:${ADMIN_CHANNEL}`, "done"],
    ]);
  });

  it("retries the notice when Slack fails to take it, and posts it once", async () => {
    failHubspot();
    slack.queue("chat.postMessage", { kind: "error", error: "internal_error" });
    for (let i = 0; i < 3; i += 1) await nextInterval();
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect(postsTo(ADMIN_CHANNEL)).toEqual([]);
    expect((await connection()).failureNoticeSince).toBeNull();

    // The next sweep after the back-off (30 s, plus up to a fifth) posts it.
    clock.set(new Date(clock.now().getTime() + 40_000));
    await sweep();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(1);
    expect(textOf(postsTo(ADMIN_CHANNEL)[0])).toContain("has failed 3 times in a row");
    expect((await connection()).failureNoticeSince).not.toBeNull();
    await nextInterval();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(1);

    healHubspot();
    await nextInterval();
    expect(postsTo(ADMIN_CHANNEL)).toHaveLength(2);
  });

  it("tells each admin by DM when the workspace has no admin channel", async () => {
    await database.db.workspace.update({ where: { slackTeamId: TEAM }, data: { settings: {} } });
    try {
      failHubspot();
      for (let i = 0; i < 3; i += 1) await nextInterval();
      healHubspot();
      await nextInterval();
      for (const admin of ["U0OPS", "U0CFO"]) {
        const texts = postsTo(`D${admin}`).map(textOf);
        expect(texts).toHaveLength(2);
        expect(texts[0]).toContain("The HubSpot sync has failed 3 times in a row");
        expect(texts[1]).toContain("The HubSpot sync works again");
      }
      expect(postsTo(ADMIN_CHANNEL)).toEqual([]);
    } finally {
      await database.db.workspace.update({
        where: { slackTeamId: TEAM },
        data: { settings: { adminChannelId: ADMIN_CHANNEL } },
      });
    }
  });

  it("tells the admins once a day when the sync stops under the daily allowance floor, without counting it as a failure", async () => {
    hubspot.dailyRemaining = 20_000;
    try {
      clock.set("2026-12-02T09:00:00Z");
      await sweep();
      await nextInterval();
      await nextInterval();
      await nextInterval();
      expect(postsTo(ADMIN_CHANNEL)).toHaveLength(1);
      const text = textOf(postsTo(ADMIN_CHANNEL)[0]);
      expect(text).toContain(":double_vertical_bar: *The HubSpot sync is paused for today.*");
      expect(text).toContain(
        "HubSpot's daily API allowance is nearly used up (20,000 of 250,000 calls left, under the floor of 25,000)",
      );
      expect(await connection()).toMatchObject({
        consecutiveFailures: 0,
        failureNoticeSince: null,
      });

      // The next day, if it is still short: told again, once.
      clock.set("2026-12-03T09:00:00Z");
      await sweep();
      await nextInterval();
      expect(postsTo(ADMIN_CHANNEL)).toHaveLength(2);
    } finally {
      hubspot.dailyRemaining = 249_000;
    }
  });
});
