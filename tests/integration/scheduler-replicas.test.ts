// Exactly once, for real: 200 cadences fall due within seconds; several `cadence start` processes
// share one database and one fake Slack; one is killed mid-way. Every occurrence must be posted
// once: none missing, none doubled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { testEnv } from "../helpers/cadence.js";
import { runCadence, type CadenceProcess } from "../helpers/cadence-process.js";
import { createTestDatabase, testProviders, type TestDatabase } from "../helpers/databases.js";
import { seedDueCadences } from "../helpers/seed.js";

const CADENCES = 200;

for (const provider of testProviders()) {
  const replicas = provider === "postgres" ? 3 : 1;
  describe(`${replicas} replica(s) on ${provider}`, () => {
    let slack: FakeSlack;
    let database: TestDatabase;
    let processes: CadenceProcess[] = [];

    beforeAll(async () => {
      slack = await new FakeSlack().start();
      // Slow enough that posting takes a few seconds, so a replica dies with work in flight.
      slack.latencyMs = (method) => (method === "chat.postMessage" ? 150 : 0);
      database = await createTestDatabase(provider);
    });
    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop("SIGKILL")));
      await slack.stop();
      await database.drop();
    });

    it(`posts each of ${CADENCES} due occurrences exactly once${replicas > 1 ? ", though one replica is killed mid-way" : ""}`, async () => {
      await seedDueCadences(database.url, slack.teamId, new Date(Date.now() + 4_000), CADENCES);
      const env = {
        ...testEnv(slack, database.url),
        LOG_LEVEL: "info",
        SCHEDULER_ENABLED: "true",
        SCHEDULER_SWEEP_SECONDS: "1",
        SCHEDULER_LEASE_SECONDS: "3",
      };
      processes = Array.from({ length: replicas }, () => runCadence(["start"], env));
      await Promise.all(processes.map((p) => p.ready));

      const loadPosts = () => slack.messages.filter((m) => m.channel.startsWith("C0LOAD"));
      const check = openDatabase(database.url);
      let deadClaims: string[] = [];
      if (replicas > 1) {
        // Kill a replica while it holds claims (posts in flight), so survivors must take them over.
        const pids = new Set(processes.map((p) => String(p.child.pid)));
        let victimPid: string | undefined;
        for (const deadline = Date.now() + 20_000; !victimPid && Date.now() < deadline;) {
          const held = await check.db.claim.findMany({
            where: { status: "claimed" },
            select: { owner: true },
          });
          victimPid = held.map((c) => c.owner.split(":")[1]!).find((pid) => pids.has(pid));
        }
        expect(victimPid, "no replica ever held a claim").toBeDefined();
        const victim = processes.find((p) => String(p.child.pid) === victimPid)!;
        await victim.stop("SIGKILL");
        await new Promise((resolve) => setTimeout(resolve, 300)); // statements already sent settle
        deadClaims = (await check.db.claim.findMany({ where: { status: "claimed" } }))
          .filter((c) => c.owner.split(":")[1] === victimPid)
          .map((c) => c.key);
      }
      await expect
        .poll(() => new Set(loadPosts().map((m) => m.metadata?.event_payload.key)).size, {
          timeout: 30_000,
          interval: 200,
        })
        .toBe(CADENCES);
      // Let every lease run out and the survivors sweep again: nothing more may appear.
      await new Promise((resolve) => setTimeout(resolve, 5_000));

      const posts = loadPosts();
      const keys = posts.map((m) => String(m.metadata?.event_payload.key));
      expect(new Set(keys).size).toBe(CADENCES);
      expect(posts).toHaveLength(CADENCES);

      try {
        const occurrences = await check.db.occurrence.findMany({
          where: { cadence: { kind: "custom" } },
        });
        expect(occurrences).toHaveLength(CADENCES);
        expect(occurrences.every((o) => o.status === "posted")).toBe(true);
        if (replicas > 1) {
          // What the killed replica held when it died was taken over after its lease, and done.
          expect(deadClaims.length).toBeGreaterThan(0);
          const after = await check.db.claim.findMany({ where: { key: { in: deadClaims } } });
          expect(after.every((c) => c.status === "done" && c.attempts > 1)).toBe(true);
        }
      } finally {
        await check.close();
      }
    }, 90_000);
  });
}
