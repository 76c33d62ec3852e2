// Exactly once, for real: three `cadence start` processes share one database and one fake Slack;
// 60 untouched leads arrive through the ingest API and run through all three steps in seconds
// (24/7 hours, steps of a few seconds); one replica is killed while it holds a speed-to-lead DM.
// Every lead must reach its owner, its team's manager and the VP exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { createApiToken } from "../../src/funnel/tokens.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { testEnv } from "../helpers/cadence.js";
import { runCadence, type CadenceProcess } from "../helpers/cadence-process.js";
import { createTestDatabase, testProviders, type TestDatabase } from "../helpers/databases.js";

const LEADS = 60;
const TEAMS = 6;
const owner = (i: number) => `U0REP${String(i).padStart(3, "0")}`;
const manager = (t: number) => `U0MGR${t}`;

/** How many leads a speed-to-lead DM is about, read from its title. */
const leadCount = (text: unknown) => {
  const many = /^(\d+) leads are waiting/.exec(String(text));
  return many ? Number(many[1]) : /^A lead is waiting/.test(String(text)) ? 1 : 0;
};

// Several replicas share one database only on PostgreSQL (SQLite is the one-replica embedded
// choice); the one-process watch is covered on both databases by sla-watch.test.ts.
for (const provider of testProviders().filter((p) => p === "postgres")) {
  const replicas = 3;
  describe(`the speed-to-lead watch on ${replicas} replica(s), ${provider}`, () => {
    let slack: FakeSlack;
    let database: TestDatabase;
    let processes: CadenceProcess[] = [];
    let token: string;

    beforeAll(async () => {
      slack = await new FakeSlack().start();
      slack.latencyMs = (method) => (method === "chat.postMessage" ? 300 : 0);
      database = await createTestDatabase(provider);
      await migrateDatabase(database.url);
      const seed = openDatabase(database.url);
      try {
        const { db } = seed;
        await db.workspace.create({
          data: {
            slackTeamId: slack.teamId,
            name: "Acme Revenue",
            timezone: "UTC",
            // Around the clock, and steps of seconds: 3 s, 45 s, 90 s after the MQL, so that a step
            // delayed by the kill still joins the next step's single batch (at most one DM per 5 minutes).
            settings: {
              slaMinutes: 0.05,
              slaHours: "always",
              slaEscalation: { managerMinutes: 0.75, vpMinutes: 1.5, vpSlackUserId: "U0VP" },
            },
          },
        });
        await db.person.createMany({
          data: Array.from({ length: LEADS }, (_, i) => ({
            slackTeamId: slack.teamId,
            slackUserId: owner(i),
            name: owner(i),
            email: `rep${i}@acme.test`,
          })),
        });
        await db.salesTeam.createMany({
          data: Array.from({ length: TEAMS }, (_, t) => ({
            slackTeamId: slack.teamId,
            key: `team ${t}`,
            name: `Team ${t}`,
            managerSlackUserId: manager(t),
            updatedBySlackUserId: "U0OPS",
          })),
        });
        token = (await createApiToken(db, slack.teamId, "crm")).token;
      } finally {
        await seed.close();
      }
    });
    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop("SIGKILL")));
      await slack.stop();
      await database.drop();
    });

    it(`tells each of ${LEADS} leads' owner, manager and VP once${replicas > 1 ? ", though one replica is killed mid-way" : ""}`, async () => {
      const env = {
        ...testEnv(slack, database.url),
        LOG_LEVEL: "info",
        SCHEDULER_ENABLED: "true",
        SCHEDULER_SWEEP_SECONDS: "1",
        SCHEDULER_LEASE_SECONDS: "3",
      };
      processes = Array.from({ length: replicas }, () => runCadence(["start"], env));
      const ports = await Promise.all(processes.map((p) => p.ready));
      const response = await fetch(`http://127.0.0.1:${ports[0]}/api/v1/leads`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(
          Array.from({ length: LEADS }, (_, i) => ({
            id: `R-${i}`,
            mql_at: new Date().toISOString(),
            owner: `rep${i}@acme.test`,
            team: `Team ${i % TEAMS}`,
          })),
        ),
      });
      expect(response.status).toBe(200);

      const check = openDatabase(database.url);
      try {
        if (replicas > 1) {
          const pids = new Set(processes.map((p) => String(p.child.pid)));
          let victimPid: string | undefined;
          for (const deadline = Date.now() + 20_000; !victimPid && Date.now() < deadline;) {
            const held = await check.db.claim.findMany({
              where: { status: "claimed", key: { startsWith: "sla:" } },
              select: { owner: true },
            });
            victimPid = held.map((c) => c.owner.split(":")[1]!).find((pid) => pids.has(pid));
          }
          expect(victimPid, "no replica ever held a speed-to-lead claim").toBeDefined();
          await processes.find((p) => String(p.child.pid) === victimPid)!.stop("SIGKILL");
        }
        const dms = () =>
          slack.messages.filter((m) =>
            /^sla:/.test(String(m.metadata?.event_payload.key as string | undefined)),
          );
        const leadsTold = (user: string) =>
          dms()
            .filter((m) => m.channel === `D${user}`)
            .reduce((sum, m) => sum + leadCount(m.text), 0);
        await expect.poll(() => leadsTold("U0VP"), { timeout: 150_000, interval: 250 }).toBe(LEADS);
        // Let every lease run out and the survivors sweep again: nothing more may appear.
        await new Promise((resolve) => setTimeout(resolve, 5_000));

        const keys = dms().map((m) => String(m.metadata?.event_payload.key as string));
        expect(new Set(keys).size).toBe(keys.length);
        for (let i = 0; i < LEADS; i += 1) expect(leadsTold(owner(i)), owner(i)).toBe(1);
        for (let t = 0; t < TEAMS; t += 1)
          expect(leadsTold(manager(t)), manager(t)).toBe(LEADS / TEAMS);
        expect(leadsTold("U0VP")).toBe(LEADS);
        const watches = await check.db.slaWatch.findMany();
        expect(watches).toHaveLength(LEADS);
        expect(watches.every((w) => w.reachedStep === 3 && w.nextDueAt === null)).toBe(true);
      } finally {
        await check.close();
      }
    }, 200_000);
  });
}
