// What happens when Slack refuses or fails a delivery: a permanent error gives up at once and
// tells the DRI and the admin channel once; a temporary one is retried with growing delays up to
// the cap; a step (escalation, feedback reminder, participation) is marked only once delivered;
// a hung call does not hold up the rest of the sweep. Driven by a test clock and cadence.sweep.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY } from "../../src/scheduler/retry-policy.js";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

const json = (call: SlackCall) => JSON.stringify(call.args);

describeEachDatabase("delivery failures", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const posts = (channel: string) =>
    cadence.slack.callsTo("chat.postMessage").filter((call) => call.args.channel === channel);
  const failureNotices = (channel: string) =>
    posts(channel).filter((call) => json(call).includes("could not deliver"));
  const at = async (instant: Date | string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const later = (ms: number) => new Date(cadence.clock.now().getTime() + ms);
  /** Makes one cadence (by kind) active and due now, with the given channel and people. */
  const dueNow = async (
    kind: string,
    data: { channelId: string; driSlackUserId: string; backupSlackUserId?: string },
  ) => {
    await db().cadence.updateMany({
      where: { kind },
      data: { ...data, active: true, nextDueAt: cadence.clock.now() },
    });
    return db().cadence.findFirstOrThrow({ where: { kind } });
  };

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    await cadence.requests.slashCommand({
      command: "/cadence",
      text: "admin-channel <#C0REVOPS|revops>",
      user_id: "U0OPS",
    });
    // Only the cadence a test makes due is active: no reminders or notices from the others.
    await db().cadence.updateMany({ data: { active: false } });
  });
  afterAll(() => cadence.stop());

  it("fails a post to an archived channel at once, tells the DRI and the admin channel once, and never tries again", async () => {
    cadence.slack.replyWhen("chat.postMessage", (call) => call.args.channel === "C0ARCHIVED", {
      kind: "error",
      error: "is_archived",
    });
    const icp = await dueNow("icp_review", { channelId: "C0ARCHIVED", driSlackUserId: "U0BOB" });
    await cadence.sweep();
    for (const hours of [1, 2, 24]) await at(later(hours * 3_600_000));

    expect(posts("C0ARCHIVED")).toHaveLength(1);
    const toDri = failureNotices("DU0BOB");
    const toAdmins = failureNotices("C0REVOPS");
    expect(toDri).toHaveLength(1);
    expect(toAdmins).toHaveLength(1);
    for (const notice of [toDri[0]!, toAdmins[0]!]) {
      expect(json(notice)).toContain("is_archived");
      expect(json(notice)).toContain("Invite @cadence to <#C0ARCHIVED>");
      expect(json(notice)).toContain(`/cadence channel ${icp.title.toLowerCase()} #channel`);
    }
    const occurrence = await db().occurrence.findFirstOrThrow({ where: { cadenceId: icp.id } });
    expect(occurrence.status).toBe("failed");
    expect(
      await db().claim.findUniqueOrThrow({ where: { key: `post:${occurrence.id}` } }),
    ).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "is_archived",
      nextAttemptAt: null,
    });
    await db().cadence.updateMany({ where: { id: icp.id }, data: { active: false } });
  });

  it("retries a temporary error with growing delays, stops at the cap and records the last error", async () => {
    cadence.slack.replyWhen("chat.postMessage", (call) => call.args.channel === "C0FLAKY", {
      kind: "error",
      error: "service_unavailable",
    });
    const mql = await dueNow("mql_definition_review", {
      channelId: "C0FLAKY",
      driSlackUserId: "U0DANA",
    });
    await cadence.sweep();
    const occurrence = await db().occurrence.findFirstOrThrow({ where: { cadenceId: mql.id } });
    const claim = () => db().claim.findUniqueOrThrow({ where: { key: `post:${occurrence.id}` } });

    const delays: number[] = [];
    for (let attempt = 1; attempt < DEFAULT_RETRY_POLICY.maxAttempts; attempt += 1) {
      const waiting = await claim();
      expect(waiting).toMatchObject({
        status: "claimed",
        attempts: attempt,
        lastError: "service_unavailable",
      });
      delays.push(waiting.nextAttemptAt!.getTime() - cadence.clock.now().getTime());
      // Not before its time...
      await at(new Date(waiting.nextAttemptAt!.getTime() - 1_000));
      expect(posts("C0FLAKY")).toHaveLength(attempt);
      // ...and then once.
      await at(new Date(waiting.nextAttemptAt!.getTime() + 1_000));
      expect(posts("C0FLAKY")).toHaveLength(attempt + 1);
    }
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(delays[0]).toBeGreaterThanOrEqual(30_000);

    expect(await claim()).toMatchObject({
      status: "failed",
      attempts: DEFAULT_RETRY_POLICY.maxAttempts,
      lastError: "service_unavailable",
    });
    await at(later(24 * 3_600_000));
    expect(posts("C0FLAKY")).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(failureNotices("DU0DANA")).toHaveLength(1);
    expect(json(failureNotices("C0REVOPS").at(-1)!)).toContain(
      `for ${DEFAULT_RETRY_POLICY.maxAttempts} attempts`,
    );
    expect((await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).status).toBe(
      "failed",
    );
    await db().cadence.updateMany({ where: { id: mql.id }, data: { active: false } });
  });

  it("retries an escalation whose delivery failed on a later sweep; escalatedAt stays empty until it is delivered", async () => {
    const quarterly = await dueNow("quarterly_alignment_diagnostic", {
      channelId: "C0QUARTER",
      driSlackUserId: "U0ERIN",
      backupSlackUserId: "U0FRED",
    });
    await cadence.sweep();
    const occurrence = await db().occurrence.findFirstOrThrow({
      where: { cadenceId: quarterly.id },
    });
    expect(occurrence.status).toBe("posted");
    await db().cadence.updateMany({ where: { id: quarterly.id }, data: { active: false } });

    const heal = cadence.slack.replyWhen(
      "chat.postMessage",
      (call) => call.args.channel === "DU0FRED",
      {
        kind: "error",
        error: "internal_error",
      },
    );
    await at(later(quarterly.escalationGraceMinutes * 60_000 + 60_000));
    const escalations = (channel: string) =>
      posts(channel).filter(
        (call) => json(call).includes(quarterly.title) && !json(call).includes("could not deliver"),
      );
    expect(escalations("DU0FRED")).toHaveLength(1);
    expect(escalations("C0REVOPS")).toHaveLength(1);
    const escalatedAt = async () =>
      (await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).escalatedAt;
    expect(await escalatedAt()).toBeNull();

    heal();
    await at(later(5 * 60_000));
    expect(escalations("DU0FRED")).toHaveLength(2);
    expect(escalations("C0REVOPS")).toHaveLength(1);
    expect(await escalatedAt()).toEqual(cadence.clock.now());
    await at(later(60 * 60_000));
    expect(escalations("DU0FRED")).toHaveLength(2);
  });

  it("marks a feedback reminder and the participation report done only after they were delivered", async () => {
    const winloss = await db().cadence.findFirstOrThrow({ where: { kind: "monthly_win_loss" } });
    await db().cadence.update({ where: { id: winloss.id }, data: { driSlackUserId: "U0GINA" } });
    const deadline = later(24 * 3_600_000);
    const collection = await db().feedbackCollection.create({
      data: {
        slackTeamId: cadence.slack.teamId,
        kind: "winloss",
        month: "2026-11",
        cadenceId: winloss.id,
        deadline,
        askedUserIds: ["U0AE9"],
      },
    });
    const step = () => db().feedbackCollection.findUniqueOrThrow({ where: { id: collection.id } });

    let heal = cadence.slack.replyWhen(
      "chat.postMessage",
      (call) => call.args.channel === "DU0AE9",
      {
        kind: "error",
        error: "service_unavailable",
      },
    );
    await cadence.sweep();
    expect(posts("DU0AE9")).toHaveLength(1);
    expect((await step()).reminderSentAt).toBeNull();
    heal();
    await at(later(5 * 60_000));
    expect(posts("DU0AE9")).toHaveLength(2);
    expect((await step()).reminderSentAt).toEqual(cadence.clock.now());

    heal = cadence.slack.replyWhen("chat.postMessage", (call) => call.args.channel === "DU0GINA", {
      kind: "error",
      error: "service_unavailable",
    });
    await at(new Date(deadline.getTime() + 60_000));
    const reports = () => posts("DU0GINA").filter((call) => json(call).includes("closed:"));
    expect(reports()).toHaveLength(1);
    expect((await step()).participationSentAt).toBeNull();
    heal();
    await at(later(5 * 60_000));
    expect(reports()).toHaveLength(2);
    expect((await step()).participationSentAt).toEqual(cadence.clock.now());
  });

  it("does not let a hung Slack call hold up the other deliveries of the sweep", async () => {
    const release = cadence.slack.hang(
      "chat.postMessage",
      (call) => call.args.channel === "C0HUNG",
    );
    await dueNow("custom", { channelId: "C0HUNG", driSlackUserId: "U0HANK" }).catch(
      () => undefined,
    );
    const icp = await dueNow("icp_review", { channelId: "C0FAST", driSlackUserId: "U0IVY" });
    const mql = await db().cadence.findFirstOrThrow({ where: { kind: "mql_definition_review" } });
    await db().cadence.update({
      where: { id: mql.id },
      data: {
        active: true,
        channelId: "C0HUNG",
        driSlackUserId: "U0DANA",
        nextDueAt: cadence.clock.now(),
      },
    });
    // A cadence without a DRI: the admin channel's daily notice goes out in the same sweep.
    await db().cadence.update({ where: { id: icp.id }, data: { driSlackUserId: null } });

    let finished = false;
    const sweeping = cadence.sweep().then(() => (finished = true));
    await cadence.slack.waitForCall("chat.postMessage", (call) => call.args.channel === "C0HUNG");
    await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "C0FAST",
      3_000,
    );
    await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "C0REVOPS" && json(call).includes(icp.title),
      3_000,
    );
    expect(finished).toBe(false);
    release();
    await sweeping;
  });

  it("retries into a public channel it cannot read: a failed look for the earlier post does not fail the delivery", async () => {
    // chat:write.public posts to a channel Cadence has not joined; reading its history needs
    // membership, so Slack answers not_in_channel to the retry's look for an earlier post.
    const failOnce = cadence.slack.replyWhen(
      "chat.postMessage",
      (call) => call.args.channel === "C0PUBLIC",
      { kind: "error", error: "service_unavailable", status: 503 },
    );
    const unreadable = cadence.slack.replyWhen(
      "conversations.history",
      (call) => call.args.channel === "C0PUBLIC",
      { kind: "error", error: "not_in_channel" },
    );
    cadence.clock.set(later(3_600_000)); // a new due time: earlier tests used this cadence
    const icp = await dueNow("icp_review", { channelId: "C0PUBLIC", driSlackUserId: "U0EVE" });
    await cadence.sweep();
    const occurrence = await db().occurrence.findFirstOrThrow({
      where: { cadenceId: icp.id },
      orderBy: { dueAt: "desc" },
    });
    const claim = () => db().claim.findUniqueOrThrow({ where: { key: `post:${occurrence.id}` } });
    expect(await claim()).toMatchObject({ status: "claimed", attempts: 1 });
    failOnce();

    await at(new Date((await claim()).nextAttemptAt!.getTime() + 1_000));
    expect(await claim()).toMatchObject({ status: "done", attempts: 2 });
    expect(posts("C0PUBLIC").filter((call) => json(call).includes(icp.title))).not.toHaveLength(0);
    expect(failureNotices("DU0EVE")).toHaveLength(0);
    expect((await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).status).toBe(
      "posted",
    );
    unreadable();
    await db().cadence.updateMany({ where: { id: icp.id }, data: { active: false } });
  });

  it("waits out a rate-limited post's Retry-After in the client, keeping its claim meanwhile, then posts it", async () => {
    let limited = false;
    cadence.slack.replyWhen(
      "chat.postMessage",
      (call) => call.args.channel === "C0BUSY" && !limited && (limited = true),
      { kind: "rate_limited", retryAfterSeconds: 2 },
    );
    cadence.clock.set(later(3_600_000));
    const quarterly = await dueNow("quarterly_alignment_diagnostic", {
      channelId: "C0BUSY",
      driSlackUserId: "U0FAY",
    });
    const started = Date.now();
    const sweep = cadence.sweep();
    await cadence.slack.waitForCall("chat.postMessage", (call) => call.args.channel === "C0BUSY");
    const occurrence = await db().occurrence.findFirstOrThrow({
      where: { cadenceId: quarterly.id },
      orderBy: { dueAt: "desc" },
    });
    const claim = () => db().claim.findUniqueOrThrow({ where: { key: `post:${occurrence.id}` } });
    // While the client waits, the claim's lease covers the wait on top of the usual lease.
    const leaseMs = cadence.config.scheduler.leaseMs;
    await expect
      .poll(async () => (await claim()).leaseUntil.getTime() - cadence.clock.now().getTime())
      .toBeGreaterThanOrEqual(leaseMs + 2_000);
    await sweep;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(posts("C0BUSY")).toHaveLength(2);
    expect(await claim()).toMatchObject({ status: "done", attempts: 1, nextAttemptAt: null });
    expect((await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).status).toBe(
      "posted",
    );
    await db().cadence.updateMany({ where: { id: quarterly.id }, data: { active: false } });
  });
});
