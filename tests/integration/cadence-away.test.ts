// A DRI away: /cadence away and the Home tab's End early, and where reminders, escalations and
// cover notices go meanwhile, driven by the test clock and the scheduler's duties.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ text?: string | { text: string } }>;
  accessory?: { action_id: string; value: string };
}

describeEachDatabase("a DRI away", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
      blocks?: Block[];
    }>();
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const postsTo = (channel: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === channel && !call.args.thread_ts);
  const textsTo = (channel: string) => postsTo(channel).map((call) => String(call.args.text));
  const blocksOf = (call: SlackCall) => (call.args.view as { blocks: Block[] }).blocks;
  const textOfBlock = (b: Block) =>
    b.text?.text ??
    (b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : e.text?.text)).join(" ");
  const openHome = async (user: string) => {
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({
      type: "app_home_opened",
      user,
      channel: `D${user}`,
      tab: "home",
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    return cadence.slack.callsTo("views.publish").at(-1)!;
  };

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand", tz: "Europe/Berlin" });
    cadence.slack.addUser({ id: "U0CAROL", real_name: "Carol Closer" });
    cadence.slack.addUser({ id: "U0DAVE", real_name: "Dave Rep" });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "backup weekly <@U0CAROL>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await command("U0OPS", "admin-channel <#C0REVOPS|revops>");
    await command("U0OPS", "assign content <@U0DAVE>");
    for (const title of ["win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
  });
  afterAll(() => cadence.stop());

  it("refuses past, reversed and overlapping ranges, and someone else's dates to a non-admin", async () => {
    expect((await command("U0BOB", "away 2026-11-01 2026-11-10")).text).toBe(
      "2026-11-10 has already passed: away dates must include today or a later day. Nothing was changed.",
    );
    expect((await command("U0BOB", "away 2026-12-05 2026-12-01")).text).toContain(
      "2026-12-01 comes before 2026-12-05",
    );
    expect((await command("U0BOB", "away 2026-12-32 2027-01-02")).text).toContain(
      '"2026-12-32" is not a date: write it as YYYY-MM-DD',
    );
    expect((await command("U0DAVE", "away <@U0BOB> 2026-12-01 2026-12-02")).text).toBe(
      "Only an admin can set or end <@U0BOB>'s away dates; you can set your own. Nothing was changed.",
    );
    expect((await command("U0OPS", "away <@U0GHOST> 2026-12-01 2026-12-02")).text).toBe(
      "Slack does not know <@U0GHOST>. Mention a person in this workspace. Nothing was changed.",
    );
    expect(await db().absence.count()).toBe(0);
  });

  it("sets a DRI's range and says who covers; an overlapping one is refused", async () => {
    expect((await command("U0BOB", "away 2026-11-29 2026-12-01")).text).toBe(
      ":palm_tree: You are away from 2026-11-29 to 2026-12-01. Meanwhile reminders and escalations for *Weekly funnel review* go to <@U0CAROL>.",
    );
    expect((await command("U0BOB", "away 2026-12-01 2026-12-03")).text).toBe(
      "<@U0BOB> is already away from 2026-11-29 to 2026-12-01, which overlaps: end that range first (`/cadence away end`) or choose other dates. Nothing was changed.",
    );
    const stored = await db().absence.findMany();
    expect(stored).toEqual([
      expect.objectContaining({
        slackUserId: "U0BOB",
        startsOn: "2026-11-29",
        endsOn: "2026-12-01",
        createdBySlackUserId: "U0BOB",
        endedAt: null,
      }),
    ]);
  });

  it("while the DRI is away, the backup is told once that they cover and gets the reminders", async () => {
    await at("2026-11-29T14:00:00Z");
    await at("2026-11-29T14:05:00Z");
    expect(textsTo("DU0BOB")).toEqual([]);
    // The duties run side by side: the two messages come in either order.
    expect(textsTo("DU0CAROL").sort()).toEqual([
      ":palm_tree: You are covering for <@U0BOB> until 2026-12-01: *Weekly funnel review*. Their reminders and escalations come to you meanwhile.",
      "Reminder: *Weekly funnel review* is due tomorrow (Mon, Nov 30, 09:00 EST). Its DRI <@U0BOB> is away: you are covering for them.",
    ]);
  });

  it("an escalation skips a backup who is away too: only the admin channel hears it", async () => {
    expect((await command("U0OPS", "away <@U0CAROL> 2026-12-01 2026-12-01")).text).toBe(
      ":palm_tree: <@U0CAROL> is away on 2026-12-01.",
    );
    // Carol hears that an admin set her dates.
    expect(textsTo("U0CAROL")).toEqual([
      ":palm_tree: <@U0OPS> changed your away dates: <@U0CAROL> is away on 2026-12-01.",
    ]);
    await at("2026-11-30T14:00:01Z");
    expect(postsTo("C0REVENUE")).toHaveLength(1);
    await at("2026-12-01T14:00:02Z");
    await at("2026-12-01T14:10:00Z");
    const escalations = (channel: string) =>
      textsTo(channel).filter((t) => t.includes("is not marked done"));
    expect(escalations("C0REVOPS")).toHaveLength(1);
    expect(escalations("DU0CAROL")).toEqual([]);
  });

  it("tells the backup once when cover ends, and reminders go back to the DRI in their own timezone", async () => {
    await at("2026-12-02T06:00:00Z");
    await at("2026-12-02T07:00:00Z");
    expect(textsTo("DU0CAROL").filter((t) => t.includes("is back"))).toEqual([
      "<@U0BOB> is back: you are no longer covering *Weekly funnel review*.",
    ]);
    await at("2026-12-06T14:00:00Z");
    expect(textsTo("DU0BOB")).toEqual([
      "Reminder: *Weekly funnel review* is due tomorrow (Mon, Dec 7, 15:00 GMT+1). You are its DRI.",
    ]);
    expect(textsTo("DU0CAROL").filter((t) => t.startsWith("Reminder"))).toHaveLength(1);
  });

  it("with no backup, the admin channel is told once that nobody covers", async () => {
    await command("U0OPS", "resume content");
    expect((await command("U0DAVE", "away tomorrow 2026-12-20")).text).toContain(
      "*Content in the wild* go to the admin channel",
    );
    await at("2026-12-07T14:00:00Z");
    await at("2026-12-07T14:10:00Z");
    expect(textsTo("C0REVOPS").filter((t) => t.includes("<@U0DAVE> is away"))).toEqual([
      ":palm_tree: <@U0DAVE> is away until 2026-12-20 and nobody else covers *Content in the wild*: their reminders and escalations come here meanwhile.",
    ]);
  });

  it("lists ranges in the Home tab (admins see everyone's) and ends one early from its button", async () => {
    await command("U0BOB", "away 2026-12-10 2026-12-15");
    await at("2026-12-10T15:00:00Z");
    expect(textsTo("DU0CAROL").filter((t) => t.includes("until 2026-12-15"))).toHaveLength(1);

    const bobHome = blocksOf(await openHome("U0BOB"));
    const away = bobHome.findIndex((b) => b.type === "header" && b.text?.text === "Away");
    expect(away).toBeGreaterThan(0);
    const row = bobHome[away + 1]!;
    expect(textOfBlock(row)).toBe("You: 2026-12-10 to 2026-12-15 _(away now)_");
    expect(row.accessory?.action_id).toBe("cadence_end_absence");
    const adminTexts = blocksOf(await openHome("U0OPS")).map(textOfBlock);
    expect(adminTexts).toContain("<@U0BOB>: 2026-12-10 to 2026-12-15 _(away now)_");
    expect(adminTexts).toContain("<@U0DAVE>: 2026-12-07 to 2026-12-20 _(away now)_");

    const refused = cadence.slack.responseUrl("end-refused");
    await cadence.requests.blockActions({
      user: "U0DAVE",
      response_url: refused,
      actions: [{ action_id: "cadence_end_absence", value: row.accessory!.value, type: "button" }],
    });
    const refusal = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("end-refused"),
    );
    expect(refusal.args.text).toContain("Only an admin can set or end <@U0BOB>'s away dates");

    const published = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.blockActions({
      user: "U0BOB",
      view: { type: "home", id: "V0HOME" },
      actions: [{ action_id: "cadence_end_absence", value: row.accessory!.value, type: "button" }],
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    const republished = blocksOf(cadence.slack.callsTo("views.publish").at(-1)!).map(textOfBlock);
    expect(republished[1]).toBe(
      ":palm_tree: You are back: the away range 2026-12-10 to 2026-12-15 ended early, and reminders go to you again.",
    );
    expect(republished).not.toContain("You: 2026-12-10 to 2026-12-15 _(away now)_");
    expect(
      (await db().absence.findUniqueOrThrow({ where: { id: row.accessory!.value } })).endedAt,
    ).toEqual(new Date("2026-12-10T15:00:00Z"));

    await at("2026-12-10T15:01:00Z");
    await at("2026-12-10T15:02:00Z");
    expect(textsTo("DU0CAROL").filter((t) => t.startsWith("<@U0BOB> is back"))).toHaveLength(2);
  });

  it("ends the current range with /cadence away end, and says so when there is none", async () => {
    expect((await command("U0OPS", "away end <@U0DAVE>")).text).toBe(
      ":palm_tree: <@U0DAVE> is back: the away range 2026-12-07 to 2026-12-20 ended early, and reminders go to <@U0DAVE> again.",
    );
    expect((await command("U0DAVE", "away end")).text).toBe(
      "<@U0DAVE> has no current or upcoming away dates to end. Nothing was changed.",
    );
    const list = await command("U0BOB", "away");
    expect(list.blocks?.map(textOfBlock)).toContain(
      "No away dates. `/cadence away 2026-12-24 2027-01-02` sets yours.",
    );
  });

  it("adds away dates from the Home tab's modal, with refusals under the fields", async () => {
    await cadence.requests.blockActions({
      user: "U0CAROL",
      trigger_id: "7.7.away",
      view: { type: "home", id: "V0HOME" },
      actions: [{ action_id: "cadence_add_absence", type: "button" }],
    });
    const opened = await cadence.slack.waitForCall(
      "views.open",
      (call) => call.args.trigger_id === "7.7.away",
    );
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("cadence_add_absence_modal");
    const submit = (from: string | null, to: string | null) =>
      cadence.requests.viewSubmission({
        user: "U0CAROL",
        view: {
          ...view,
          state: {
            values: {
              starts_on: { date: { type: "datepicker", selected_date: from } },
              ends_on: { date: { type: "datepicker", selected_date: to } },
            },
          },
        },
      });
    expect((await submit(null, "2026-12-20")).json()).toEqual({
      response_action: "errors",
      errors: { starts_on: "Choose the first day away." },
    });
    expect((await submit("2026-12-22", "2026-12-20")).json()).toEqual({
      response_action: "errors",
      errors: {
        ends_on:
          "2026-12-20 comes before 2026-12-22: give the first day away, then the last. Nothing was changed.",
      },
    });
    const published = cadence.slack.callsTo("views.publish").length;
    const saved = await submit("2026-12-21", "2026-12-23");
    expect(saved.status).toBe(200);
    expect(saved.text).toBe("");
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    const texts = blocksOf(cadence.slack.callsTo("views.publish").at(-1)!).map(textOfBlock);
    expect(texts[1]).toBe(":palm_tree: You are away from 2026-12-21 to 2026-12-23.");
    expect(texts).toContain("You: 2026-12-21 to 2026-12-23");
    expect(
      await db().absence.findFirst({ where: { slackUserId: "U0CAROL", startsOn: "2026-12-21" } }),
    ).toMatchObject({ endsOn: "2026-12-23", createdBySlackUserId: "U0CAROL", endedAt: null });
  });
});
