// Skip this one and Move to…: from the reminder DM and the Home tab, through the modals, to the
// stored occurrence, the next due date, reminders, firing, escalation and the calendar feed.
// The rules of changeOccurrence itself are exercised directly at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeOccurrence } from "../../src/cadences/occurrence-changes.js";
import type { CadenceDeps } from "../../src/cadences/service.js";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { icsEvents } from "../helpers/ics.js";

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  element?: Record<string, unknown>;
  elements?: Array<{ action_id?: string; value?: string; text?: string | { text: string } }>;
}
interface View {
  callback_id: string;
  private_metadata: string;
  blocks: Block[];
}

const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

describeEachDatabase("skipping and moving one occurrence", (provider) => {
  let cadence: CadenceUnderTest;
  let weeklyId: string;
  let feedPath: string;
  const db = () => cadence.running.database.db;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>().text;
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const postsTo = (channel: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === channel && !call.args.thread_ts);
  const texts = (calls: SlackCall[]) => calls.map((call) => String(call.args.text));
  const weekly = () => db().cadence.findUniqueOrThrow({ where: { id: weeklyId } });
  const feed = async () => icsEvents(await (await fetch(`${cadence.baseUrl}${feedPath}`)).text());
  const uid = (rhythmTime: string) => `${weeklyId}-${new Date(rhythmTime).getTime()}@cadence`;
  /** Presses a button and returns the modal it opened. */
  const openModal = async (fields: Record<string, unknown> & { user: string }) => {
    const before = cadence.slack.callsTo("views.open").length;
    const response = await cadence.requests.blockActions({
      actions: [],
      trigger_id: "7.7.trigger",
      ...fields,
    });
    expect(response.status).toBe(200);
    await expect.poll(() => cadence.slack.callsTo("views.open").length).toBe(before + 1);
    const opened = cadence.slack.callsTo("views.open").at(-1)!;
    expect(opened.args.trigger_id).toBe("7.7.trigger");
    return opened.args.view as View;
  };
  const submit = (user: string, view: View, values: Record<string, Record<string, unknown>>) =>
    cadence.requests.viewSubmission({ user, view: { ...view, state: { values } } });
  const reason = (value: string | null) => ({
    reason: { text: { type: "plain_text_input", value } },
  });
  const when = (iso: string | null) => ({
    when: { at: { type: "datetimepicker", selected_date_time: iso ? seconds(iso) : null } },
  });
  const occurrenceButtons = (blocks: Block[]) =>
    blocks
      .find((b) => b.type === "actions" && b.block_id === `dri_actions:${weeklyId}`)!
      .elements!.filter((e) => e.action_id!.endsWith("_occurrence"));

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS", PUBLIC_URL: "https://cadence.acme.test" },
      now: "2026-11-23T14:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0BOB", "Bob Demand"],
      ["U0CAROL", "Carol Closer"],
      ["U0DAVE", "Dave Rep"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "backup weekly <@U0CAROL>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await command("U0OPS", "admin-channel <#C0REVOPS|revops>");
    weeklyId = (await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } }))
      .id;
    feedPath = /\/calendar\/[A-Za-z0-9_-]+\.ics/.exec(await command("U0BOB", "calendar"))![0];
  });
  afterAll(() => cadence.stop());

  it("puts Skip this one and Move to… in the reminder, carrying the cadence and its due time", async () => {
    await at("2026-11-29T14:00:00Z");
    const reminder = postsTo("DU0BOB").at(-1)!;
    const blocks = reminder.args.blocks as Block[];
    expect(blocks.find((b) => b.type === "actions")!.elements!.map((e) => e.action_id)).toEqual([
      "cadence_mark_done",
      "cadence_snooze_day",
      "cadence_hand_over",
      "cadence_skip_occurrence",
      "cadence_move_occurrence",
    ]);
    const value = JSON.stringify({ cadenceId: weeklyId, dueAt: "2026-11-30T14:00:00.000Z" });
    expect(occurrenceButtons(blocks).map((e) => [e.text, e.value])).toEqual([
      [{ type: "plain_text", text: "Skip this one" }, value],
      [{ type: "plain_text", text: "Move to…" }, value],
    ]);
  });

  it("moves it from the reminder: a date picker at the due time, clear errors, then the reminder says what changed", async () => {
    const reminder = cadence.slack.messages.filter((m) => m.channel === "DU0BOB").at(-1)!;
    const [, move] = occurrenceButtons(reminder.blocks as Block[]);
    const view = await openModal({
      user: "U0BOB",
      channel: { id: "DU0BOB" },
      message: { ts: reminder.ts },
      actions: [{ action_id: "cadence_move_occurrence", value: move!.value, type: "button" }],
    });
    expect(view.callback_id).toBe("cadence_move_occurrence_modal");
    expect(view.blocks[0]!.text!.text).toBe(
      "Move *Weekly funnel review*, due Mon, Nov 30, 09:00 EST (<!date^1796047200^{date_short_pretty} at {time}|Mon, Nov 30, 14:00 UTC> your time), to another date and time. The picker shows your own timezone. Reminders and escalation follow the new time; the dates after it stay as they are.",
    );
    expect(view.blocks.find((b) => b.block_id === "when")!.element).toEqual({
      type: "datetimepicker",
      action_id: "at",
      initial_date_time: seconds("2026-11-30T14:00:00Z"),
    });
    expect(view.blocks.find((b) => b.block_id === "reason")!.element).toMatchObject({
      type: "plain_text_input",
      max_length: 200,
    });

    const errorsFor = async (values: Record<string, Record<string, unknown>>) =>
      (await submit("U0BOB", view, values)).json();
    expect(await errorsFor({ ...when(null), ...reason(null) })).toEqual({
      response_action: "errors",
      errors: { when: "Choose the new date and time." },
    });
    expect(await errorsFor({ ...when("2026-11-28T14:00:00Z"), ...reason(null) })).toEqual({
      response_action: "errors",
      errors: { when: "Choose a date and time still to come. Nothing was changed." },
    });
    expect(await errorsFor({ ...when("2026-12-07T14:00:00Z"), ...reason(null) })).toEqual({
      response_action: "errors",
      errors: {
        when: "Weekly funnel review is already due Mon, Dec 7, 09:00 EST: choose another time, or skip this one instead. Nothing was changed.",
      },
    });
    expect(
      await errorsFor({ ...when("2026-12-01T15:00:00Z"), ...reason("x".repeat(201)) }),
    ).toEqual({
      response_action: "errors",
      errors: { reason: "Keep the reason under 200 characters. Nothing was changed." },
    });
    expect((await weekly()).nextDueAt).toEqual(new Date("2026-11-30T14:00:00Z"));
    expect(await db().occurrence.count({ where: { cadenceId: weeklyId } })).toBe(0);

    const done = await submit("U0BOB", view, {
      ...when("2026-12-01T15:00:00Z"),
      ...reason("  team offsite  "),
    });
    expect(done.status).toBe(200);
    expect(done.text).toBe("");
    const updated = await cadence.slack.waitForCall("chat.update");
    expect(updated.args).toMatchObject({
      channel: "DU0BOB",
      ts: reminder.ts,
      blocks: [],
      text: ":calendar: <@U0BOB> moved *Weekly funnel review* from Mon, Nov 30, 09:00 EST to Tue, Dec 1, 10:00 EST (<!date^1796137200^{date_short_pretty} at {time}|Tue, Dec 1, 15:00 UTC> your time). Next: Tue, Dec 1, 10:00 EST. Reason: team offsite",
    });
    expect(await db().occurrence.findMany({ where: { cadenceId: weeklyId } })).toEqual([
      expect.objectContaining({
        dueAt: new Date("2026-11-30T14:00:00Z"),
        status: "moved",
        movedToAt: new Date("2026-12-01T15:00:00Z"),
        note: "team offsite",
        changedBySlackUserId: "U0BOB",
      }),
    ]);
    expect((await weekly()).nextDueAt).toEqual(new Date("2026-12-01T15:00:00Z"));
    const history = await db().cadenceHistory.findFirstOrThrow({
      where: { cadenceId: weeklyId },
      orderBy: { changedAt: "desc" },
    });
    expect(history).toMatchObject({
      changedBySlackUserId: "U0BOB",
      summary: "moved Mon, Nov 30, 09:00 EST to Tue, Dec 1, 10:00 EST (team offsite)",
    });
  });

  it("shows the moved occurrence in the calendar feed at its new time, under the same UID", async () => {
    const moved = (await feed()).filter((e) => e.UID === uid("2026-11-30T14:00:00Z"));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ DTSTART: "20261201T150000Z", STATUS: "CONFIRMED" });
    expect(moved[0]!.DESCRIPTION!.split("\n").slice(0, 2)).toEqual([
      "Moved from Mon, Nov 30, 09:00 EST",
      "Reason: team offsite",
    ]);
  });

  it("says in the Home tab where the next date was moved from", async () => {
    const published = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({ type: "app_home_opened", user: "U0BOB", tab: "home" });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    const home = cadence.slack.callsTo("views.publish").at(-1)!.args.view as View;
    expect(home.blocks.map((b) => b.text?.text)).toContain(
      "*Weekly funnel review* (you are the DRI)\nnext *Tue, Dec 1, 10:00 EST* (moved from Mon, Nov 30, 09:00 EST) · _Mondays at 09:00 America/New_York_",
    );
    expect(JSON.parse(occurrenceButtons(home.blocks)[0]!.value!)).toEqual({
      cadenceId: weeklyId,
      dueAt: "2026-12-01T15:00:00.000Z",
    });
  });

  it("reminds, posts and escalates relative to the moved time, not the original one", async () => {
    const remindersBefore = postsTo("DU0BOB").length;
    await at("2026-11-30T14:00:30Z");
    await at("2026-11-30T14:59:00Z");
    expect(postsTo("C0REVENUE")).toHaveLength(0);
    expect(postsTo("DU0BOB")).toHaveLength(remindersBefore);
    await at("2026-11-30T15:00:30Z");
    await at("2026-12-01T14:00:30Z");
    expect(texts(postsTo("DU0BOB").slice(remindersBefore))).toEqual([
      "Reminder: *Weekly funnel review* is due tomorrow (Tue, Dec 1, 10:00 EST). You are its DRI.",
      "Reminder: *Weekly funnel review* is due in 1 hour (Tue, Dec 1, 10:00 EST). You are its DRI.",
    ]);
    expect(postsTo("C0REVENUE")).toHaveLength(0);

    await at("2026-12-01T15:00:01Z");
    expect(postsTo("C0REVENUE")).toHaveLength(1);
    expect(
      await db().occurrence.findFirstOrThrow({
        where: { cadenceId: weeklyId, status: "posted" },
      }),
    ).toMatchObject({
      dueAt: new Date("2026-12-01T15:00:00Z"),
      originalDueAt: new Date("2026-11-30T14:00:00Z"),
      late: false,
    });
    expect((await weekly()).nextDueAt).toEqual(new Date("2026-12-07T14:00:00Z"));

    // A day's grace after the original time has passed: not yet escalated.
    await at("2026-12-02T14:59:00Z");
    expect(postsTo("DU0CAROL")).toHaveLength(0);
    await at("2026-12-02T15:00:01Z");
    expect(texts(postsTo("DU0CAROL"))).toEqual([
      ":rotating_light: *Weekly funnel review* was due Tue, Dec 1, 10:00 EST and is not marked done. DRI: <@U0BOB>, backup: <@U0CAROL>.",
    ]);
  });

  it("skips the next one from the Home tab: the tab is republished with the confirmation on top", async () => {
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({ type: "app_home_opened", user: "U0BOB", tab: "home" });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    const home = cadence.slack.callsTo("views.publish").at(-1)!.args.view as View;
    const [skip] = occurrenceButtons(home.blocks);
    expect(JSON.parse(skip!.value!)).toEqual({
      cadenceId: weeklyId,
      dueAt: "2026-12-07T14:00:00.000Z",
    });
    const view = await openModal({
      user: "U0BOB",
      view: { id: "VHOME", type: "home" },
      container: { type: "view", view_id: "VHOME" },
      actions: [{ action_id: "cadence_skip_occurrence", value: skip!.value, type: "button" }],
    });
    expect(view.callback_id).toBe("cadence_skip_occurrence_modal");
    expect(view.blocks[0]!.text!.text).toBe(
      "Skip *Weekly funnel review* on Mon, Dec 7, 09:00 EST? It is not posted, reminded or escalated; the dates after it stay as they are.",
    );
    const published = cadence.slack.callsTo("views.publish").length;
    const done = await submit("U0BOB", view, reason("holiday party <!here>"));
    expect(done.text).toBe("");
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    const republished = cadence.slack.callsTo("views.publish").at(-1)!;
    expect(republished.args.user_id).toBe("U0BOB");
    const top = (republished.args.view as View).blocks[1]!;
    expect(top).toEqual({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: ":fast_forward: <@U0BOB> skipped *Weekly funnel review* on Mon, Dec 7, 09:00 EST. Next: Mon, Dec 14, 09:00 EST. Reason: holiday party &lt;!here&gt;",
        },
      ],
    });
    expect(
      await db().occurrence.findUniqueOrThrow({
        where: {
          cadenceId_dueAt: { cadenceId: weeklyId, dueAt: new Date("2026-12-07T14:00:00Z") },
        },
      }),
    ).toMatchObject({ status: "skipped", note: "holiday party <!here>", movedToAt: null });
    expect((await weekly()).nextDueAt).toEqual(new Date("2026-12-14T14:00:00Z"));
  });

  it("sends the skipped occurrence to the calendar as cancelled, under the UID it had", async () => {
    const events = await feed();
    expect(events.find((e) => e.UID === uid("2026-12-07T14:00:00Z"))).toMatchObject({
      STATUS: "CANCELLED",
      DTSTART: "20261207T140000Z",
      SUMMARY: "Skipped: Weekly funnel review (DRI: Bob Demand)",
    });
    expect(events.find((e) => e.UID === uid("2026-12-14T14:00:00Z"))!.STATUS).toBe("CONFIRMED");
  });

  it("never posts, reminds or escalates a skipped occurrence", async () => {
    const reminders = postsTo("DU0BOB").length;
    for (const instant of [
      "2026-12-06T14:00:30Z",
      "2026-12-07T13:00:30Z",
      "2026-12-07T14:00:30Z",
      "2026-12-08T14:00:30Z",
      "2026-12-08T15:00:30Z",
    ])
      await at(instant);
    expect(postsTo("DU0BOB")).toHaveLength(reminders);
    expect(postsTo("C0REVENUE")).toHaveLength(1);
    expect(postsTo("DU0CAROL")).toHaveLength(1);
    expect(
      await db().occurrence.findMany({
        where: { cadenceId: weeklyId, dueAt: { gte: new Date("2026-12-07T00:00:00Z") } },
      }),
    ).toEqual([expect.objectContaining({ status: "skipped" })]);
    await at("2026-12-13T14:00:30Z");
    expect(texts(postsTo("DU0BOB")).at(-1)).toBe(
      "Reminder: *Weekly funnel review* is due tomorrow (Mon, Dec 14, 09:00 EST). You are its DRI.",
    );
  });

  it("tells the DRI by DM when an admin changed their occurrence, and refuses others before and after the form", async () => {
    const value = JSON.stringify({ cadenceId: weeklyId, dueAt: "2026-12-14T14:00:00.000Z" });
    const action = [{ action_id: "cadence_skip_occurrence", value, type: "button" }];
    // Someone who may not change it is told at the button, and no form opens.
    const opened = cadence.slack.callsTo("views.open").length;
    const refusedUrl = cadence.slack.responseUrl("refused-1");
    await cadence.requests.blockActions({
      user: "U0DAVE",
      trigger_id: "7.7.trigger",
      response_url: refusedUrl,
      channel: { id: "DU0DAVE" },
      message: { ts: "1.000002" },
      actions: action,
    });
    const refusal = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("refused-1"),
    );
    expect(refusal.args).toMatchObject({
      replace_original: false,
      text: "Only the DRI of *Weekly funnel review* (<@U0BOB>), a workspace admin or a Cadence admin can change it. Nothing was changed.",
    });
    expect(cadence.slack.callsTo("views.open").length).toBe(opened);
    // A form they got hold of anyway is refused under its field.
    const refusedView = await openModal({ user: "U0OPS", actions: action });
    expect((await submit("U0DAVE", refusedView, reason(null))).json()).toEqual({
      response_action: "errors",
      errors: {
        reason:
          "Only the DRI of Weekly funnel review (this person), a workspace admin or a Cadence admin can change it. Nothing was changed.",
      },
    });

    const view = await openModal({ user: "U0OPS", actions: action });
    expect((await submit("U0OPS", view, reason(null))).text).toBe("");
    const confirmation =
      ":fast_forward: <@U0OPS> skipped *Weekly funnel review* on Mon, Dec 14, 09:00 EST. Next: Mon, Dec 21, 09:00 EST.";
    const toAdmin = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "U0OPS" && String(call.args.text).includes("skipped"),
    );
    expect(toAdmin.args.text).toBe(confirmation);
    const toDri = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "U0BOB" && String(call.args.text).includes("skipped"),
    );
    expect(toDri.args.text).toBe(confirmation);

    // The same form again: that date is no longer due.
    expect((await submit("U0OPS", view, reason(null))).json()).toEqual({
      response_action: "errors",
      errors: {
        reason:
          "Weekly funnel review is not due then any more (it was changed meanwhile): open the Home tab for its dates. Nothing was changed.",
      },
    });
  });

  it("answers a forged button or form without changing anything", async () => {
    const responseUrl = cadence.slack.responseUrl("forged-1");
    await cadence.requests.blockActions({
      user: "U0BOB",
      response_url: responseUrl,
      channel: { id: "DU0BOB" },
      message: { ts: "1.000001" },
      actions: [{ action_id: "cadence_move_occurrence", value: weeklyId, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("forged-1"),
    );
    expect(answer.args).toMatchObject({
      replace_original: false,
      text: "This form is out of date: close it and press the button again. Nothing was changed.",
    });
    const published = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.blockActions({
      user: "U0BOB",
      view: { id: "VHOME", type: "home" },
      container: { type: "view", view_id: "VHOME" },
      actions: [{ action_id: "cadence_skip_occurrence", value: "{}", type: "button" }],
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    expect(
      (cadence.slack.callsTo("views.publish").at(-1)!.args.view as View).blocks[1],
    ).toMatchObject({
      type: "context",
      elements: [
        {
          text: "This form is out of date: close it and press the button again. Nothing was changed.",
        },
      ],
    });
    const forged = await submit(
      "U0BOB",
      { callback_id: "cadence_move_occurrence_modal", private_metadata: "{oops", blocks: [] },
      { ...when("2026-12-22T15:00:00Z"), ...reason(null) },
    );
    expect(forged.json()).toEqual({
      response_action: "errors",
      errors: {
        when: "This form is out of date: close it and press the button again. Nothing was changed.",
      },
    });
    expect((await weekly()).nextDueAt).toEqual(new Date("2026-12-21T14:00:00Z"));
  });

  describe("the rules of changing one occurrence", () => {
    const deps = (): CadenceDeps => ({
      db: db(),
      clock: cadence.clock,
      adminUserIds: ["U0OPS"],
      onScheduleChanged: () => undefined,
    });
    const bob = { slackUserId: "U0BOB", isWorkspaceAdmin: false };
    const change = (
      cadenceId: string,
      dueAt: string,
      what: { kind: "skip" } | { kind: "move"; to: string },
    ) =>
      changeOccurrence(
        deps(),
        cadence.slack.teamId,
        bob,
        cadenceId,
        new Date(dueAt),
        what.kind === "skip"
          ? { kind: "skip", note: null }
          : { kind: "move", to: new Date(what.to), note: null },
      );

    it("refuses a date that has passed, and one that is not a date of the cadence", async () => {
      expect(await change(weeklyId, "2026-12-07T14:00:00Z", { kind: "skip" })).toMatchObject({
        ok: false,
        code: "occurrence-passed",
      });
      expect(await change(weeklyId, "2026-12-22T14:00:00Z", { kind: "skip" })).toMatchObject({
        ok: false,
        code: "no-such-occurrence",
      });
    });

    it("puts a moved occurrence back on its rhythm time by removing the change", async () => {
      const moved = await change(weeklyId, "2026-12-21T14:00:00Z", {
        kind: "move",
        to: "2026-12-22T14:00:00Z",
      });
      expect(moved).toMatchObject({ ok: true, dueAt: new Date("2026-12-22T14:00:00Z") });
      const back = await change(weeklyId, "2026-12-22T14:00:00Z", {
        kind: "move",
        to: "2026-12-21T14:00:00Z",
      });
      expect(back).toMatchObject({ ok: true, dueAt: new Date("2026-12-21T14:00:00Z") });
      expect(
        await db().occurrence.count({
          where: { cadenceId: weeklyId, dueAt: new Date("2026-12-21T14:00:00Z") },
        }),
      ).toBe(0);
    });

    it("refuses moving one onto the time a skipped one keeps, which would never fire", async () => {
      expect(await change(weeklyId, "2026-12-28T14:00:00Z", { kind: "skip" })).toMatchObject({
        ok: true,
      });
      expect(
        await change(weeklyId, "2026-12-21T14:00:00Z", {
          kind: "move",
          to: "2026-12-28T14:00:00Z",
        }),
      ).toMatchObject({ ok: false, code: "move-onto-changed" });
      expect((await weekly()).nextDueAt).toEqual(new Date("2026-12-21T14:00:00Z"));
    });

    it("refuses a move past 2100, as a forged time picker might send, without storing it", async () => {
      const before = await db().occurrence.count({ where: { cadenceId: weeklyId } });
      expect(
        await change(weeklyId, "2026-12-21T14:00:00Z", {
          kind: "move",
          to: "2200-01-01T00:00:00Z",
        }),
      ).toMatchObject({ ok: false, code: "move-to-past" });
      expect(await db().occurrence.count({ where: { cadenceId: weeklyId } })).toBe(before);
    });

    it("refuses a paused cadence, and skipping a review counted from its last completion", async () => {
      await command("U0OPS", "assign icp <@U0BOB>");
      // A definition review is done once its outcome is picked: the next one counts from then.
      const held = await db().cadence.findFirstOrThrow({ where: { title: "ICP review" } });
      await cadence.requests.blockActions({
        user: "U0OPS",
        actions: [
          {
            action_id: "review_outcome_confirmed",
            value: JSON.stringify({ cadenceId: held.id, outcome: "confirmed" }),
            type: "button",
          },
        ],
      });
      await expect
        .poll(
          async () => (await db().cadence.findUniqueOrThrow({ where: { id: held.id } })).nextDueAt,
        )
        .not.toBeNull();
      const icp = await db().cadence.findFirstOrThrow({ where: { title: "ICP review" } });
      const due = icp.nextDueAt!.toISOString();
      expect(await change(icp.id, due, { kind: "skip" })).toMatchObject({
        ok: false,
        code: "review-not-skippable",
      });
      await command("U0OPS", "pause icp");
      expect(await change(icp.id, due, { kind: "move", to: "2027-07-01T14:00:00Z" })).toMatchObject(
        { ok: false, code: "cadence-not-running" },
      );
      await command("U0OPS", "resume icp");
    });

    it("keeps one record for a review moved twice, and removes it when moved back", async () => {
      const icp = await db().cadence.findFirstOrThrow({ where: { title: "ICP review" } });
      const first = icp.nextDueAt!;
      const later = new Date(first.getTime() + 7 * 86_400_000);
      const latest = new Date(first.getTime() + 14 * 86_400_000);
      const move = (from: Date, to: Date) =>
        change(icp.id, from.toISOString(), { kind: "move", to: to.toISOString() });
      expect(await move(first, later)).toMatchObject({ ok: true, dueAt: later });
      expect(await move(later, latest)).toMatchObject({ ok: true, dueAt: latest });
      const records = () =>
        db().occurrence.findMany({ where: { cadenceId: icp.id, dueAt: { gte: first } } });
      expect(await records()).toEqual([
        expect.objectContaining({ dueAt: first, status: "moved", movedToAt: latest }),
      ]);
      expect(await move(latest, first)).toMatchObject({ ok: true, dueAt: first });
      expect(await records()).toEqual([]);
    });
  });
});
