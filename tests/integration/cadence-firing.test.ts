// Firing, reminders, buttons, escalation, departures and crash recovery, driven by a test clock
// and the scheduler's duties (cadence.sweep), asserting on what Slack received.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import type { SlackCall } from "../fakes/fake-slack.js";

const sectionTexts = (call: SlackCall) =>
  (
    (call.args.blocks as
      Array<{ text?: { text: string }; elements?: Array<{ text?: string }> }> | undefined) ?? []
  )
    .flatMap((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => e.text ?? "")])
    .join("\n");

describeEachDatabase("cadences firing", (provider) => {
  let cadence: CadenceUnderTest;
  let weeklyId: string;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  /** Posts in a channel, not replies in threads (the digest adds its tables in a thread). */
  const postsTo = (channel: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === channel && !call.args.thread_ts);

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0BOB", "Bob Demand"],
      ["U0CAROL", "Carol Closer"],
      ["U0DAVE", "Dave Rep"],
    ]) {
      cadence.slack.addUser({ id: id!, real_name: name });
    }
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "backup weekly <@U0CAROL>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await command("U0OPS", "admin-channel <#C0REVOPS|revops>");
    await command("U0OPS", "assign content <@U0DAVE>");
    await command("U0OPS", "pause win/loss");
    await command("U0OPS", "pause quarterly");
    weeklyId = (await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } }))
      .id;
  });
  afterAll(() => cadence.stop());

  it("reminds the DRI by DM a day and an hour before, once each, with the DRI buttons", async () => {
    await at("2026-11-29T14:00:00Z");
    await at("2026-11-29T14:05:00Z");
    let reminders = postsTo("DU0BOB");
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.args.text).toBe(
      "Reminder: *Weekly funnel review* is due tomorrow (Mon, Nov 30, 09:00 EST). You are its DRI.",
    );
    const buttons = (
      reminders[0]!.args.blocks as Array<{
        type: string;
        elements?: Array<{ action_id: string; value: string }>;
      }>
    ).find((b) => b.type === "actions")!;
    expect(buttons.elements!.map((e) => e.action_id)).toEqual([
      "cadence_mark_done",
      "cadence_snooze_day",
      "cadence_hand_over",
      "cadence_skip_occurrence",
      "cadence_move_occurrence",
    ]);
    expect(buttons.elements!.slice(0, 3).every((e) => e.value === weeklyId)).toBe(true);

    await at("2026-11-30T13:00:00Z");
    await at("2026-11-30T13:30:00Z");
    reminders = postsTo("DU0BOB");
    expect(reminders.map((r) => r.args.text)).toEqual([
      expect.stringContaining("due tomorrow"),
      "Reminder: *Weekly funnel review* is due in 1 hour (Mon, Nov 30, 09:00 EST). You are its DRI.",
    ]);
  });

  it("posts the occurrence (the weekly review posts the funnel digest) in its channel at 09:00 local, naming the DRI, exactly once", async () => {
    await at("2026-11-30T14:00:01Z");
    await at("2026-11-30T14:00:30Z");
    const posts = postsTo("C0REVENUE");
    expect(posts).toHaveLength(1);
    expect(sectionTexts(posts[0]!)).toContain("Funnel digest · 23–29 Nov 2026");
    expect(sectionTexts(posts[0]!)).toContain("DRI: <@U0BOB>");
    const occurrence = await db().occurrence.findFirstOrThrow({ where: { cadenceId: weeklyId } });
    expect(occurrence).toMatchObject({
      status: "posted",
      late: false,
      channelId: "C0REVENUE",
      dueAt: new Date("2026-11-30T14:00:00Z"),
    });
    expect(posts[0]!.args.metadata).toEqual({
      event_type: "cadence_delivery",
      event_payload: { key: `post:${occurrence.id}` },
    });
    expect(
      (await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).nextDueAt?.toISOString(),
    ).toBe("2026-12-07T14:00:00.000Z");
  });

  it("marks it done from the reminder's button and confirms who did it", async () => {
    const responseUrl = cadence.slack.responseUrl("done-1");
    const response = await cadence.requests.blockActions({
      user: "U0BOB",
      response_url: responseUrl,
      actions: [{ action_id: "cadence_mark_done", value: weeklyId, type: "button" }],
    });
    expect(response.status).toBe(200);
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("done-1"),
    );
    expect(answer.args).toMatchObject({
      replace_original: true,
      text: ":white_check_mark: *Weekly funnel review* is marked done by <@U0BOB>.",
    });
    expect(
      await db().occurrence.findFirstOrThrow({ where: { cadenceId: weeklyId } }),
    ).toMatchObject({ status: "done", doneBySlackUserId: "U0BOB" });
  });

  it("escalates an occurrence left undone past the grace period to the backup and the admin channel, once", async () => {
    await at("2026-12-07T14:00:01Z");
    await at("2026-12-08T13:59:00Z");
    expect(postsTo("DU0CAROL")).toHaveLength(0);
    await at("2026-12-08T14:00:02Z");
    await at("2026-12-08T14:10:00Z");
    expect(postsTo("DU0CAROL")).toHaveLength(1);
    const admin = postsTo("C0REVOPS").filter((call) =>
      String(call.args.text).includes("is not marked done"),
    );
    expect(admin).toHaveLength(1);
    expect(admin[0]!.args.text).toBe(
      ":rotating_light: *Weekly funnel review* was due Mon, Dec 7, 09:00 EST and is not marked done. DRI: <@U0BOB>, backup: <@U0CAROL>.",
    );
  });

  it("snoozes the next occurrence by a day", async () => {
    const responseUrl = cadence.slack.responseUrl("snooze-1");
    await cadence.requests.blockActions({
      user: "U0BOB",
      response_url: responseUrl,
      actions: [{ action_id: "cadence_snooze_day", value: weeklyId, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("snooze-1"),
    );
    expect(answer.args.text).toBe(":zzz: <@U0BOB> snoozed *Weekly funnel review* by a day.");
    expect(
      (await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).nextDueAt?.toISOString(),
    ).toBe("2026-12-15T14:00:00.000Z");
  });

  it("refuses the buttons to someone who may not change the cadence", async () => {
    const responseUrl = cadence.slack.responseUrl("refused-1");
    await cadence.requests.blockActions({
      user: "U0DAVE",
      response_url: responseUrl,
      actions: [{ action_id: "cadence_mark_done", value: weeklyId, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("refused-1"),
    );
    expect(answer.args).toMatchObject({ replace_original: false });
    expect(String(answer.args.text)).toContain("Nothing was changed.");
  });

  it("hands over through the modal: the message shows who did what and the new DRI is told", async () => {
    const reminder = postsTo("DU0BOB")[0]!;
    await cadence.requests.blockActions({
      user: "U0BOB",
      trigger_id: "9.9.handover",
      channel: { id: "DU0BOB" },
      message: { ts: cadence.slack.messages.find((m) => m.channel === "DU0BOB")!.ts },
      actions: [{ action_id: "cadence_hand_over", value: weeklyId, type: "button" }],
    });
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(opened.args.trigger_id).toBe("9.9.handover");
    expect(view.callback_id).toBe("cadence_hand_over_modal");
    expect(reminder).toBeDefined();

    const empty = await cadence.requests.viewSubmission({
      user: "U0BOB",
      view: {
        ...view,
        state: { values: { new_dri: { user: { type: "users_select", selected_user: null } } } },
      },
    });
    expect(empty.json()).toEqual({
      response_action: "errors",
      errors: { new_dri: "Choose the person who takes this cadence over." },
    });

    const submitted = await cadence.requests.viewSubmission({
      user: "U0BOB",
      view: {
        ...view,
        state: { values: { new_dri: { user: { type: "users_select", selected_user: "U0DAVE" } } } },
      },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe("");
    const updated = await cadence.slack.waitForCall("chat.update");
    expect(updated.args).toMatchObject({
      channel: "DU0BOB",
      text: expect.stringContaining(
        "<@U0DAVE> is now the DRI of *Weekly funnel review* (was <@U0BOB>). Handed over by <@U0BOB>.",
      ),
    });
    const told = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "U0DAVE",
    );
    expect(told.args.text).toBe(
      "<@U0BOB> handed *Weekly funnel review* over to you: you are now its DRI.",
    );
    expect((await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).driSlackUserId).toBe(
      "U0DAVE",
    );
  });

  it("moves a departed DRI's cadences to the backup, or to the admin channel's attention", async () => {
    await cadence.requests.event({
      type: "user_change",
      user: { id: "U0DAVE", team_id: cadence.slack.teamId, deleted: true, real_name: "Dave Rep" },
    });
    await expect
      .poll(
        async () =>
          (await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).driSlackUserId,
      )
      .toBe("U0CAROL");
    const promoted = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "U0CAROL",
    );
    expect(promoted.args.text).toBe(
      "<@U0DAVE> has left the workspace, so you, their backup, are now the DRI of *Weekly funnel review*.",
    );
    const content = await db().cadence.findFirstOrThrow({
      where: { title: "Content in the wild" },
    });
    expect(content.driSlackUserId).toBeNull();
    const notice = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === "C0REVOPS" && String(call.args.text).includes("left the workspace"),
    );
    expect(notice.args.text).toContain("*Content in the wild*");
    const history = await db().driChange.findMany({
      where: { cadenceId: content.id },
      orderBy: { changedAt: "asc" },
    });
    expect(history.at(-1)).toMatchObject({
      fromSlackUserId: "U0DAVE",
      toSlackUserId: null,
      changedBySlackUserId: null,
      reason: "no backup: <@U0DAVE> left the workspace",
    });
  });

  it("tells the admin channel every day, once a day, which cadences have no DRI", async () => {
    const before = postsTo("C0REVOPS").filter((call) =>
      String(call.args.text).includes("no DRI yet"),
    ).length;
    await at("2026-12-09T15:00:00Z");
    await at("2026-12-09T18:00:00Z");
    await at("2026-12-10T15:00:00Z");
    const notices = postsTo("C0REVOPS").filter((call) =>
      String(call.args.text).includes("no DRI yet"),
    );
    expect(notices.length - before).toBe(2);
    expect(notices.at(-1)!.args.text).toContain("*Content in the wild*");
  });

  it("catches up after downtime: one within the window is posted late, older ones recorded as missed", async () => {
    // Weekly is next due Tue 2026-12-15 09:00 EST: Monday's was snoozed a day, which is recorded
    // as a move. Cadence "comes back" two weeks after that.
    expect((await db().cadence.findUnique({ where: { id: weeklyId } }))?.nextDueAt).toEqual(
      new Date("2026-12-15T14:00:00Z"),
    );
    await at("2026-12-28T16:00:00Z");
    const occurrences = await db().occurrence.findMany({
      where: { cadenceId: weeklyId, dueAt: { gte: new Date("2026-12-14T00:00:00Z") } },
      orderBy: { dueAt: "asc" },
    });
    expect(occurrences.map((o) => [o.dueAt.toISOString(), o.status, o.late])).toEqual([
      ["2026-12-14T14:00:00.000Z", "moved", false],
      ["2026-12-15T14:00:00.000Z", "missed", true],
      ["2026-12-21T14:00:00.000Z", "missed", true],
      ["2026-12-28T14:00:00.000Z", "posted", true],
    ]);
    const late = postsTo("C0REVENUE").at(-1)!;
    expect(JSON.stringify(late.args.blocks)).toContain(
      "Posted late: it was due Mon, Dec 28, 09:00 EST, while Cadence was offline.",
    );
  });

  it("does not post again when taking over from a replica that died after posting", async () => {
    const occurrence = await db().occurrence.create({
      data: { cadenceId: weeklyId, dueAt: new Date("2026-12-28T20:00:00Z"), status: "pending" },
    });
    const key = `post:${occurrence.id}`;
    // The dead replica claimed it, posted it, and died before recording the post.
    await db().claim.create({
      data: {
        key,
        owner: "dead-replica",
        status: "claimed",
        leaseUntil: new Date("2026-12-28T20:01:00Z"),
      },
    });
    const before = postsTo("C0REVENUE").length;
    cadence.slack.messages.push({
      channel: "C0REVENUE",
      ts: `${Math.floor(Date.now() / 1000)}.999999`,
      text: "posted by the dead replica",
      metadata: { event_type: "cadence_delivery", event_payload: { key } },
    });
    await at("2026-12-28T20:00:30Z");
    expect((await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).status).toBe(
      "pending",
    ); // lease still held
    await at("2026-12-28T20:02:00Z");
    expect(postsTo("C0REVENUE").length).toBe(before);
    expect(await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).toMatchObject(
      { status: "posted", messageTs: expect.stringMatching(/\.999999$/) },
    );
    expect(await db().claim.findUniqueOrThrow({ where: { key } })).toMatchObject({
      status: "done",
      owner: "test-replica",
      attempts: 2,
    });
  });
});
