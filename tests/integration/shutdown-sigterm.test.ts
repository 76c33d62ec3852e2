// `cadence start` on SIGTERM: it stops claiming, lets work under way finish for a moment (a post
// Slack answers during the grace period is recorded), gives back the claims of what is still
// hanging, closes the database and exits within 10 s. Nothing is left half-written, and the next
// replica takes the given-back work over at once (not after the lease) and posts it once.
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

/** seedDueCadences puts cadence i in channel C0LOAD<i>: two hang, one answers late, three go. */
const HUNG = ["C0LOAD0", "C0LOAD1"];
const LATE = "C0LOAD2";
const CADENCES = 6;

describeEachDatabase("shutdown on SIGTERM", (provider) => {
  let slack: FakeSlack;
  let database: TestDatabase;
  const processes: CadenceProcess[] = [];

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop("SIGKILL")));
    await slack.stop();
    await database.drop();
  });

  const start = () => {
    const cadence = runCadence(["start"], {
      ...testEnv(slack, database.url),
      LOG_LEVEL: "info",
      SCHEDULER_ENABLED: "true",
      SCHEDULER_SWEEP_SECONDS: "1",
      SLACK_POST_INTERVAL_MS: "1000",
    });
    processes.push(cadence);
    return cadence;
  };
  const postedKeys = () =>
    slack.messages
      .filter((m) => m.channel.startsWith("C0LOAD"))
      .map((m) => String(m.metadata?.event_payload.key));

  it("exits within 10 s mid-delivery, finishing what Slack answers in time and giving back the rest, half-writing nothing", async () => {
    slack = await new FakeSlack().start();
    database = await createTestDatabase(provider);
    await seedDueCadences(database.url, slack.teamId, new Date(Date.now() + 1_000), CADENCES);
    // Posts to HUNG channels are never answered (while `hanging`); the LATE one is answered
    // only once SIGTERM was sent.
    let hanging = true;
    slack.hang("chat.postMessage", (call) => hanging && HUNG.includes(String(call.args.channel)));
    const answerLate = slack.hang("chat.postMessage", (call) => call.args.channel === LATE);

    const first = start();
    await first.ready;
    for (const channel of [...HUNG, LATE])
      await slack.waitForCall("chat.postMessage", (call) => call.args.channel === channel, 15_000);
    await expect.poll(() => postedKeys().length, { timeout: 15_000 }).toBe(CADENCES - 3);

    const signalledAt = Date.now();
    first.child.kill("SIGTERM");
    setTimeout(answerLate, 1_000);
    const exitCode = await first.exited;
    const stoppedAt = Date.now();
    expect(stoppedAt - signalledAt).toBeLessThan(10_000);
    expect(exitCode).toBe(0);
    expect(first.stdout.join("\n")).toMatch(
      /"released":2,"finished":false,.*"msg":"stopped with work in flight; its claims were given back"/,
    );
    hanging = false;

    const check = openDatabase(database.url);
    try {
      const claims = await check.db.claim.findMany();
      const occurrences = await check.db.occurrence.findMany({ include: { cadence: true } });
      expect(occurrences).toHaveLength(CADENCES);
      // No claim is still held: each is done, or given back with a lease already over.
      for (const claim of claims) {
        if (claim.status === "claimed")
          expect(claim.leaseUntil.getTime()).toBeLessThanOrEqual(stoppedAt);
        else expect(claim.status).toBe("done");
      }
      // Nothing half-written: a posted occurrence has its message (the very one Slack stored) and
      // a finished claim; a pending one has neither.
      const posted = occurrences.filter((o) => o.status === "posted");
      expect(posted).toHaveLength(CADENCES - HUNG.length);
      for (const occurrence of occurrences) {
        const key = `post:${occurrence.id}`;
        const claim = claims.find((c) => c.key === key);
        const message = slack.messages.find((m) => m.metadata?.event_payload.key === key);
        if (occurrence.status === "posted") {
          expect(claim?.status).toBe("done");
          expect(occurrence.messageTs).toBe(message?.ts);
          expect(occurrence.channelId).toBe(message?.channel);
        } else {
          expect(occurrence.status).toBe("pending");
          expect(HUNG).toContain(occurrence.cadence.channelId);
          expect(message).toBeUndefined();
          expect(occurrence.messageTs).toBeNull();
          expect(claim?.status).toBe("claimed");
        }
      }
      expect(posted.map((o) => o.channelId)).toContain(LATE);
    } finally {
      await check.close();
    }

    // The next replica takes the given-back work over at once (the lease was 60 s) and posts it
    // once: every cadence has exactly one post.
    const second = start();
    await second.ready;
    await expect.poll(() => postedKeys().length, { timeout: 15_000 }).toBe(CADENCES);
    expect(new Set(postedKeys()).size).toBe(CADENCES);
    expect(await second.stop("SIGTERM")).toBe(0);

    const after = openDatabase(database.url);
    try {
      expect(await after.db.occurrence.count({ where: { status: "posted" } })).toBe(CADENCES);
      expect(await after.db.claim.count({ where: { status: { not: "done" } } })).toBe(0);
    } finally {
      await after.close();
    }
  }, 90_000);
});
