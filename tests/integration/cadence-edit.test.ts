// Editing a cadence from Slack (the Edit button, `/cadence edit`), custom cadences (`/cadence
// new`, `/cadence archive`) and their history, asserting on what Slack received and what was
// stored; and an edit racing the scheduler on two replicas of one database.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface ModalBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  label?: { type: string; text: string };
  element?: Record<string, unknown>;
  accessory?: { action_id: string; value: string };
  elements?: Array<{ action_id?: string; value?: string; text?: { text: string } | string }>;
}
interface Modal {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: ModalBlock[];
}
type Values = Record<string, Record<string, unknown>>;

/** What Slack sends back for a modal nobody touched: each input's initial value. */
function initialValues(view: Modal): Values {
  const values: Values = {};
  for (const block of view.blocks) {
    if (block.type !== "input") continue;
    const e = block.element!;
    values[block.block_id!] = {
      type: e.type,
      value: e.initial_value ?? null,
      selected_option: e.initial_option ?? null,
      selected_options: e.initial_options ?? [],
      selected_time: e.initial_time ?? null,
      selected_user: e.initial_user ?? null,
      selected_conversation: e.initial_conversation ?? null,
    };
  }
  return values;
}

/** The state a person leaves after changing some fields (block id → element state). */
function stateWith(view: Modal, changes: Values) {
  const values = initialValues(view);
  for (const [block, change] of Object.entries(changes))
    values[block] = { ...values[block], ...change };
  return { values: Object.fromEntries(Object.entries(values).map(([b, s]) => [b, { value: s }])) };
}

const option = (value: string) => ({ value });
const TUESDAYS_AT_14 = {
  cadence_rhythm: { selected_option: option("weekly") },
  cadence_weekdays: { selected_options: [option("tuesday")] },
  cadence_time: { selected_time: "14:00" },
};

const blockTexts = (blocks: ModalBlock[]) =>
  blocks.flatMap((b) => [
    b.text?.text ?? "",
    ...(b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : (e.text?.text ?? ""))),
  ]);

describeEachDatabase("editing cadences", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string, responseId?: string) =>
    cadence.requests.slashCommand({
      command: "/cadence",
      text,
      user_id: user,
      ...(responseId ? { response_url: cadence.slack.responseUrl(responseId) } : {}),
    });
  const named = (title: string) =>
    db().cadence.findFirstOrThrow({ where: { slackTeamId: cadence.slack.teamId, title } });
  /** The modal a command or button opened: the latest views.open after `before` calls. */
  const openedAfter = async (before: number) => {
    await expect.poll(() => cadence.slack.callsTo("views.open").length).toBe(before + 1);
    return cadence.slack.callsTo("views.open").at(-1)!.args.view as Modal;
  };
  const submit = (user: string, view: Modal, changes: Values = {}) =>
    cadence.requests.viewSubmission({ user, view: { ...view, state: stateWith(view, changes) } });
  const dmsTo = (user: string) =>
    cadence.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === user);
  const openHome = async (user: string) => {
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({
      type: "app_home_opened",
      user,
      channel: `D${user}`,
      tab: "home",
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    return (cadence.slack.callsTo("views.publish").at(-1)!.args.view as Modal).blocks;
  };

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS", PUBLIC_URL: "https://cadence.acme.test" },
      now: "2026-11-26T15:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0BOB", "Bob Demand"],
      ["U0CAROL", "Carol Closer"],
      ["U0DAVE", "Dave Rep"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
    cadence.slack.addUser({ id: "U0GONE", real_name: "Gina Gone", deleted: true });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
  });
  afterAll(() => cadence.stop());

  it("`/cadence edit` opens the modal pre-filled with the cadence's settings", async () => {
    const before = cadence.slack.callsTo("views.open").length;
    await command("U0BOB", "edit weekly");
    const view = await openedAfter(before);
    expect(view.callback_id).toBe("cadence_edit_modal");
    expect(view.title.text).toBe("Edit cadence");
    expect(blockTexts(view.blocks)[0]).toBe(
      "Editing *Weekly funnel review* (a standard cadence keeps its title).",
    );
    const values = initialValues(view);
    expect(values.cadence_rhythm!.selected_option).toMatchObject({ value: "weekly" });
    expect(values.cadence_weekdays!.selected_options).toMatchObject([{ value: "monday" }]);
    expect(values.cadence_time!.selected_time).toBe("09:00");
    expect(values.cadence_timezone!.value).toBe("America/New_York");
    expect(values.cadence_channel!.selected_conversation).toBe("C0REVENUE");
    expect(values.cadence_dri!.selected_user).toBe("U0BOB");
    expect(values.cadence_reminders!.selected_options).toMatchObject([
      { value: "1440" },
      { value: "60" },
    ]);
    expect(values.cadence_grace!.value).toBe("24");
    expect(values.cadence_holidays!.selected_option).toMatchObject({ value: "move" });
    expect(view.blocks.every((b) => b.type !== "input" || b.label!.type === "plain_text")).toBe(
      true,
    );
  });

  it("answers `/cadence edit` with a name several cadences match with their Edit buttons", async () => {
    await command("U0OPS", "edit review", "edit-ambiguous");
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("edit-ambiguous"),
    );
    const blocks = answer.args.blocks as Array<{
      type: string;
      text?: { text: string };
      elements?: Array<{ action_id: string; value: string; text: { text: string } }>;
    }>;
    expect(blocks[0]!.text!.text).toContain('"review" matches 3 cadences');
    const buttons = blocks.flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text).sort()).toEqual([
      "Edit ICP review",
      "Edit MQL definition review",
      "Edit Weekly funnel review",
    ]);
    expect(new Set(buttons.map((b) => b.action_id))).toEqual(new Set(["cadence_edit"]));
    expect(buttons.find((b) => b.text.text === "Edit ICP review")!.value).toBe(
      (await named("ICP review")).id,
    );
  });

  it("refuses `/cadence edit` to someone who is neither the DRI nor an admin", async () => {
    const before = cadence.slack.callsTo("views.open").length;
    await command("U0DAVE", "edit weekly", "edit-refused");
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("edit-refused"),
    );
    expect(answer.args.text).toBe(
      "Only the DRI of *Weekly funnel review* (<@U0BOB>), a workspace admin or a Cadence admin can change it. Nothing was changed.",
    );
    expect(cadence.slack.callsTo("views.open")).toHaveLength(before);
  });

  it("shows an error under each wrong field, and changes nothing", async () => {
    const before = cadence.slack.callsTo("views.open").length;
    await command("U0BOB", "edit weekly");
    const view = await openedAfter(before);
    const response = await submit("U0BOB", view, {
      cadence_rhythm: { selected_option: option("every_n_weeks") },
      cadence_weekdays: { selected_options: [] },
      cadence_timezone: { value: "Mars/Olympus" },
      cadence_dri: { selected_user: "U0GONE" },
    });
    expect(response.json()).toEqual({
      response_action: "errors",
      errors: {
        cadence_weekdays: "Tick at least one weekday.",
        cadence_every: "For this rhythm, N is a whole number of weeks from 2 to 8.",
        cadence_timezone:
          '"Mars/Olympus" is not a timezone: use an IANA name such as America/New_York or Europe/Paris.',
      },
    });
    const gone = await submit("U0BOB", view, { cadence_dri: { selected_user: "U0GONE" } });
    expect(gone.json()).toEqual({
      response_action: "errors",
      errors: {
        cadence_dri:
          "this person is deactivated: choose someone who is still here. Nothing was changed.",
      },
    });
    const forged = await submit("U0BOB", { ...view, private_metadata: '{"cadenceId":"nope"' });
    expect(forged.json()).toEqual({
      response_action: "errors",
      errors: {
        cadence_rhythm:
          "This form is out of date: the cadence was changed since it opened (or the form was not sent by Cadence). Close it and press Edit again to see the current settings. Nothing was changed.",
      },
    });
    const weekly = await named("Weekly funnel review");
    expect(weekly.recurrence).toMatchObject({ weekdays: ["monday"], time: "09:00" });
    expect(await db().cadenceHistory.count()).toBe(0);
  });

  it("saves a new rhythm, channel and backup: the next dates follow at once and the history records it", async () => {
    const before = cadence.slack.callsTo("views.open").length;
    await command("U0BOB", "edit weekly");
    const view = await openedAfter(before);
    const dms = dmsTo("U0BOB").length;
    const response = await submit("U0BOB", view, {
      ...TUESDAYS_AT_14,
      cadence_channel: { selected_conversation: "C0SALES" },
      cadence_backup: { selected_user: "U0CAROL" },
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    await expect.poll(() => dmsTo("U0BOB").length).toBe(dms + 1);
    expect(dmsTo("U0BOB").at(-1)!.args.text).toBe(
      [
        ":pencil2: Saved *Weekly funnel review*: rhythm: Mondays at 09:00 → Tuesdays at 14:00; channel: <#C0REVENUE> → <#C0SALES>; backup: nobody → <@U0CAROL>.",
        "Next dates before: Mon, Nov 30, 09:00 EST; Mon, Dec 7, 09:00 EST; Mon, Dec 14, 09:00 EST.",
        "Next dates now: Tue, Dec 1, 14:00 EST; Tue, Dec 8, 14:00 EST; Tue, Dec 15, 14:00 EST.",
      ].join("\n"),
    );
    const weekly = await named("Weekly funnel review");
    expect(weekly).toMatchObject({
      channelId: "C0SALES",
      backupSlackUserId: "U0CAROL",
      nextDueAt: new Date("2026-12-01T19:00:00Z"),
    });
    const history = await db().cadenceHistory.findMany({ where: { cadenceId: weekly.id } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      changedBySlackUserId: "U0BOB",
      summary:
        "rhythm: Mondays at 09:00 → Tuesdays at 14:00; channel: <#C0REVENUE> → <#C0SALES>; backup: nobody → <@U0CAROL>",
      before: expect.objectContaining({ channelId: "C0REVENUE" }),
      after: expect.objectContaining({ channelId: "C0SALES" }),
    });
    const roles = await db().driChange.findMany({
      where: { cadenceId: weekly.id, role: "backup" },
    });
    expect(roles).toMatchObject([
      { fromSlackUserId: null, toSlackUserId: "U0CAROL", reason: "edited" },
    ]);
  });

  it("drops the skipped dates a new rhythm no longer has, and says how many", async () => {
    const weekly = await named("Weekly funnel review");
    await db().occurrence.create({
      data: {
        cadenceId: weekly.id,
        dueAt: new Date("2026-12-08T19:00:00Z"),
        status: "skipped",
        changedBySlackUserId: "U0BOB",
      },
    });
    const before = cadence.slack.callsTo("views.open").length;
    await command("U0BOB", "edit weekly");
    const view = await openedAfter(before);
    const dms = dmsTo("U0BOB").length;
    await submit("U0BOB", view, { cadence_weekdays: { selected_options: [option("wednesday")] } });
    await expect.poll(() => dmsTo("U0BOB").length).toBe(dms + 1);
    expect(dmsTo("U0BOB").at(-1)!.args.text).toContain(
      "1 skipped or moved date was not on the new rhythm and was dropped.",
    );
    expect(await db().occurrence.count({ where: { cadenceId: weekly.id } })).toBe(0);
    expect((await named("Weekly funnel review")).nextDueAt).toEqual(
      new Date("2026-12-02T19:00:00Z"),
    );
  });

  it("shows admins Edit buttons, New cadence and the recent changes on the Home tab; a DRI an Edit button", async () => {
    const weekly = await named("Weekly funnel review");
    const admin = await openHome("U0OPS");
    const texts = blockTexts(admin);
    expect(texts).toContain("Recent changes");
    const recent = texts[texts.indexOf("Recent changes") + 1]!;
    expect(recent).toContain("*Weekly funnel review* · <@U0BOB> · <!date^");
    expect(recent).toContain("rhythm: Mondays at 09:00 → Tuesdays at 14:00; channel: <#C0REVENUE>");
    expect(recent).toContain("rhythm: Tuesdays at 14:00 → Wednesdays at 14:00");
    expect(
      admin.filter((b) => b.accessory?.action_id === "cadence_edit").map((b) => b.accessory!.value),
    ).toHaveLength(6);
    expect(admin.some((b) => b.elements?.some((e) => e.action_id === "cadence_new"))).toBe(true);

    const dri = await openHome("U0BOB");
    expect(
      dri.filter((b) => b.accessory?.action_id === "cadence_edit").map((b) => b.accessory!.value),
    ).toEqual([weekly.id]);
    expect(blockTexts(dri)).not.toContain("Recent changes");
    expect(dri.some((b) => b.elements?.some((e) => e.action_id === "cadence_new"))).toBe(false);
  });

  it("opens the modal from the Edit button and republishes the Home tab after saving", async () => {
    const weekly = await named("Weekly funnel review");
    const before = cadence.slack.callsTo("views.open").length;
    await cadence.requests.blockActions({
      user: "U0OPS",
      view: { type: "home", id: "V0HOME" },
      actions: [{ action_id: "cadence_edit", value: weekly.id, type: "button" }],
    });
    const view = await openedAfter(before);
    expect(JSON.parse(view.private_metadata)).toEqual({
      cadenceId: weekly.id,
      fromHome: true,
      fingerprint: expect.any(String),
    });
    const published = cadence.slack.callsTo("views.publish").length;
    await submit("U0OPS", view, {
      cadence_dri: { selected_user: "U0DAVE" },
      cadence_holidays: { selected_option: option("skip") },
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(published + 1);
    const updated = await named("Weekly funnel review");
    expect(updated).toMatchObject({ driSlackUserId: "U0DAVE", holidayPolicy: "skip" });
    expect(
      await db().driChange.findFirst({
        where: { cadenceId: weekly.id, role: "dri", toSlackUserId: "U0DAVE" },
      }),
    ).toMatchObject({ fromSlackUserId: "U0BOB", changedBySlackUserId: "U0OPS", reason: "edited" });
    expect(dmsTo("U0OPS").at(-1)!.args.text).toContain(
      "DRI: <@U0BOB> → <@U0DAVE>; holidays: move → skip.",
    );
  });

  it("creates a custom cadence (admins), refusing a title already taken; it is listed with an Edit button", async () => {
    await command("U0BOB", "new", "new-refused");
    const refused = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("new-refused"),
    );
    expect(refused.args.text).toBe(
      "Only a workspace admin or a Cadence admin (ADMIN_USER_IDS) can create a cadence. Nothing was changed.",
    );

    const before = cadence.slack.callsTo("views.open").length;
    await command("U0OPS", "new");
    const view = await openedAfter(before);
    expect(view.title.text).toBe("New cadence");
    expect(JSON.parse(view.private_metadata)).toEqual({
      cadenceId: null,
      fromHome: false,
      fingerprint: null,
    });
    expect(initialValues(view).cadence_timezone!.value).toBe("America/New_York");

    const taken = await submit("U0OPS", view, {
      cadence_title: { value: "weekly FUNNEL review" },
    });
    expect(taken.json()).toEqual({
      response_action: "errors",
      errors: {
        cadence_title:
          "Another cadence is already called weekly FUNNEL review: choose another title.",
      },
    });

    const dms = dmsTo("U0OPS").length;
    await submit("U0OPS", view, {
      cadence_title: { value: "Pipeline check" },
      cadence_rhythm: { selected_option: option("monthly_day") },
      cadence_day_of_month: { value: "15" },
      cadence_dri: { selected_user: "U0CAROL" },
    });
    await expect.poll(() => dmsTo("U0OPS").length).toBe(dms + 1);
    expect(dmsTo("U0OPS").at(-1)!.args.text).toBe(
      ":sparkles: Created *Pipeline check*.\nNext dates: Tue, Dec 15, 09:00 EST; Fri, Jan 15, 09:00 EST; Mon, Feb 15, 09:00 EST.",
    );
    const custom = await named("Pipeline check");
    expect(custom).toMatchObject({
      kind: "custom",
      driSlackUserId: "U0CAROL",
      unassignedSince: null,
      nextDueAt: new Date("2026-12-15T14:00:00Z"),
    });
    expect(await db().driChange.count({ where: { cadenceId: custom.id } })).toBe(1);

    const list = (await command("U0OPS", "list")).json<{ blocks: ModalBlock[] }>();
    expect(blockTexts(list.blocks).join("\n")).toContain("*Pipeline check*: DRI <@U0CAROL>");
    const buttons = list.blocks
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.action_id === "cadence_edit");
    expect(buttons.find((b) => b.value === custom.id)?.text).toMatchObject({
      text: "Edit Pipeline check",
    });
  });

  it("archives a custom cadence: out of the list, the feed and the scheduler, its title free again", async () => {
    const feedPath = async () => {
      const reply = (await command("U0OPS", "calendar workspace")).json<{ text: string }>().text;
      return /\/calendar\/[A-Za-z0-9_-]+\.ics/.exec(reply)![0];
    };
    const feed = await feedPath();
    const ics = () => fetch(`${cadence.baseUrl}${feed}`).then((r) => r.text());
    expect(await ics()).toContain("SUMMARY:Pipeline check");

    expect((await command("U0OPS", "archive weekly")).json<{ text: string }>().text).toBe(
      "*Weekly funnel review* is a standard cadence: it can be paused (`/cadence pause`) but not archived. Only custom cadences are archived. Nothing was changed.",
    );
    expect((await command("U0DAVE", "archive pipeline")).json<{ text: string }>().text).toContain(
      "Only the DRI of *Pipeline check* (<@U0CAROL>)",
    );
    const custom = await named("Pipeline check");
    // Materialised but not posted yet: archiving must stop it too.
    await db().occurrence.create({
      data: { cadenceId: custom.id, dueAt: new Date("2026-11-26T14:00:00Z"), status: "pending" },
    });
    expect((await command("U0CAROL", "archive pipeline")).json<{ text: string }>().text).toBe(
      ":file_cabinet: Archived *Pipeline check*: it keeps its history, and no longer posts, reminds or shows in the list and the calendar. Its title is free for a new cadence.",
    );
    const archived = await db().cadence.findUniqueOrThrow({ where: { id: custom.id } });
    expect(archived).toMatchObject({
      title: "Pipeline check (archived 2026-11-26)",
      active: false,
      nextDueAt: null,
    });
    expect(archived.archivedAt).not.toBeNull();
    expect(await db().cadenceHistory.count({ where: { cadenceId: custom.id } })).toBe(2);
    const posts = cadence.slack.callsTo("chat.postMessage").length;
    await cadence.sweep();
    expect(cadence.slack.callsTo("chat.postMessage").slice(posts)).toEqual([]);
    expect(await db().occurrence.findMany({ where: { cadenceId: custom.id } })).toMatchObject([
      { status: "skipped", note: "archived", changedBySlackUserId: "U0CAROL" },
    ]);
    const list = (await command("U0OPS", "list")).json<{ blocks: ModalBlock[] }>();
    expect(blockTexts(list.blocks).join("\n")).not.toContain("Pipeline check");
    expect(await ics()).not.toContain("Pipeline check");
    const home = blockTexts(await openHome("U0OPS")).join("\n");
    expect(home).not.toContain("*Pipeline check*: DRI");

    const before = cadence.slack.callsTo("views.open").length;
    await command("U0OPS", "new");
    const view = await openedAfter(before);
    const dms = dmsTo("U0OPS").length;
    await submit("U0OPS", view, { cadence_title: { value: "Pipeline check" } });
    await expect.poll(() => dmsTo("U0OPS").length).toBe(dms + 1);
    expect(dmsTo("U0OPS").at(-1)!.args.text).toContain(":sparkles: Created *Pipeline check*.");
  });
});

describeEachDatabase("an edit racing the scheduler (two replicas on PostgreSQL)", (provider) => {
  let first: CadenceUnderTest;
  let second: CadenceUnderTest;
  let weeklyId: string;
  const db = () => first.running.database.db;
  const posts = () =>
    first.slack
      .callsTo("chat.postMessage")
      .filter((c: SlackCall) => c.args.channel === "C0REVENUE" && !c.args.thread_ts);
  /** Each replica's scheduler sweeps once (one process never runs two sweeps at once). */
  const sweepAll = () => Promise.all([...new Set([first, second])].map((r) => r.sweep()));
  const setClocks = (at: string) => {
    first.clock.set(at);
    second.clock.set(at);
  };
  /** Opens the edit modal on one replica and submits it with some fields changed. */
  const edit = async (replica: CadenceUnderTest, changes: Values) => {
    const before = first.slack.callsTo("views.open").length;
    await replica.requests.blockActions({
      user: "U0OPS",
      view: { type: "modal", id: "V0X" },
      actions: [{ action_id: "cadence_edit", value: weeklyId, type: "button" }],
    });
    await expect.poll(() => first.slack.callsTo("views.open").length).toBe(before + 1);
    const view = first.slack.callsTo("views.open").at(-1)!.args.view as Modal;
    return replica.requests.viewSubmission({
      user: "U0OPS",
      view: { ...view, state: stateWith(view, changes) },
    });
  };

  beforeAll(async () => {
    first = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-30T13:58:00Z",
    });
    // A second replica: the same database and the same Slack. SQLite's driver is synchronous, so
    // two in one process would block each other: there, as in scheduler-replicas.test.ts, one
    // replica edits and sweeps at once.
    second =
      provider === "postgres"
        ? await startCadenceForTest({
            provider,
            env: {
              ADMIN_USER_IDS: "U0OPS",
              DATABASE_URL: first.database.url,
              SLACK_API_URL: first.slack.apiUrl,
              SLACK_BOT_TOKEN: first.slack.botToken,
            },
            now: "2026-11-30T13:58:00Z",
          })
        : first;
    first.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    first.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    for (const text of ["assign weekly <@U0BOB>", "channel weekly <#C0REVENUE|revenue>"])
      await first.requests.slashCommand({ command: "/cadence", text, user_id: "U0OPS" });
    const weekly = await db().cadence.findFirstOrThrow({
      where: { title: "Weekly funnel review" },
    });
    weeklyId = weekly.id;
    expect(weekly.nextDueAt).toEqual(new Date("2026-11-30T14:00:00Z"));
  });
  afterAll(async () => {
    if (second !== first) await second?.stop();
    await first?.stop();
  });

  it("posts the occurrence due at the edit exactly once, then follows the new rhythm", async () => {
    // A minute before it is due, Wednesdays are added: Monday 09:00 is still next.
    setClocks("2026-11-30T13:59:00Z");
    await edit(first, {
      cadence_weekdays: { selected_options: [option("monday"), option("wednesday")] },
    });
    await expect.poll(async () => (await db().cadenceHistory.count()) === 1).toBe(true);
    expect((await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).nextDueAt).toEqual(
      new Date("2026-11-30T14:00:00Z"),
    );

    // At the due time both replicas sweep while the rhythm is changed to Tuesdays at 14:00.
    setClocks("2026-11-30T14:00:00Z");
    const before = first.slack.callsTo("views.open").length;
    await second.requests.blockActions({
      user: "U0OPS",
      view: { type: "modal", id: "V0X" },
      actions: [{ action_id: "cadence_edit", value: weeklyId, type: "button" }],
    });
    await expect.poll(() => first.slack.callsTo("views.open").length).toBe(before + 1);
    const view = first.slack.callsTo("views.open").at(-1)!.args.view as Modal;
    await Promise.all([
      first.sweep(),
      second.requests.viewSubmission({
        user: "U0OPS",
        view: { ...view, state: stateWith(view, TUESDAYS_AT_14) },
      }),
      ...(second === first ? [] : [second.sweep()]),
    ]);
    await sweepAll();

    expect(posts()).toHaveLength(1);
    const occurrences = await db().occurrence.findMany({ where: { cadenceId: weeklyId } });
    expect(occurrences.map((o) => [o.dueAt.toISOString(), o.status])).toEqual([
      ["2026-11-30T14:00:00.000Z", "posted"],
    ]);
    const weekly = await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } });
    expect(weekly.recurrence).toMatchObject({ weekdays: ["tuesday"], time: "14:00" });
    expect(weekly.nextDueAt).toEqual(new Date("2026-12-01T19:00:00Z"));

    // Later the same day nothing more; the next one is Tuesday at 14:00, once.
    setClocks("2026-11-30T23:00:00Z");
    await sweepAll();
    expect(posts()).toHaveLength(1);
    setClocks("2026-12-01T19:00:00Z");
    await sweepAll();
    setClocks("2026-12-02T19:00:00Z");
    await sweepAll();
    expect(posts()).toHaveLength(2);
    expect(
      (
        await db().occurrence.findMany({
          where: { cadenceId: weeklyId },
          orderBy: { dueAt: "asc" },
        })
      ).map((o) => o.dueAt.toISOString()),
    ).toEqual(["2026-11-30T14:00:00.000Z", "2026-12-01T19:00:00.000Z"]);
  });
  // Needs a second connection holding the cadence's row lock, which SQLite's driver cannot do here.
  it.skipIf(provider !== "postgres")(
    "retries an edit that lost the race to a scheduler, on what the scheduler wrote",
    async () => {
      setClocks("2026-12-08T19:00:30Z"); // Tuesday's occurrence is due, not yet materialised
      const before = first.slack.callsTo("views.open").length;
      await second.requests.blockActions({
        user: "U0OPS",
        view: { type: "modal", id: "V0X" },
        actions: [{ action_id: "cadence_edit", value: weeklyId, type: "button" }],
      });
      await expect.poll(() => first.slack.callsTo("views.open").length).toBe(before + 1);
      const view = first.slack.callsTo("views.open").at(-1)!.args.view as Modal;

      // Another replica materialises Tuesday's occurrence while the edit is being saved: it holds
      // the cadence's row, so the edit's compare-and-set waits, then finds nextDueAt moved.
      const scheduler = new pg.Client({ connectionString: first.database.url });
      await scheduler.connect();
      try {
        await scheduler.query("BEGIN");
        await scheduler.query('SELECT id FROM "Cadence" WHERE id = $1 FOR UPDATE', [weeklyId]);
        const dms = first.slack
          .callsTo("chat.postMessage")
          .filter((c) => c.args.channel === "U0OPS").length;
        const saved = second.requests.viewSubmission({
          user: "U0OPS",
          view: {
            ...view,
            state: stateWith(view, {
              cadence_weekdays: { selected_options: [option("wednesday")] },
            }),
          },
        });
        await expect
          .poll(
            async () =>
              (
                await scheduler.query<{ n: number }>(
                  "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
              ).rows[0]!.n,
            { timeout: 5_000 },
          )
          .toBe(1);
        await scheduler.query(
          `INSERT INTO "Occurrence" (id, "cadenceId", "dueAt", status) VALUES ('race-occurrence', $1, '2026-12-08 19:00:00', 'pending')`,
          [weeklyId],
        );
        await scheduler.query(
          `UPDATE "Cadence" SET "nextDueAt" = '2026-12-15 19:00:00' WHERE id = $1`,
          [weeklyId],
        );
        await scheduler.query("COMMIT");
        expect((await saved).text).toBe("");
        await expect
          .poll(
            () =>
              first.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "U0OPS")
                .length,
          )
          .toBe(dms + 1);
      } finally {
        await scheduler.end();
      }
      const confirmation = first.slack
        .callsTo("chat.postMessage")
        .filter((c) => c.args.channel === "U0OPS")
        .at(-1)!.args.text as string;
      expect(confirmation).toContain("rhythm: Tuesdays at 14:00 → Wednesdays at 14:00.");
      // Not Tuesday again: it was already materialised, and a second one today is never made.
      expect(confirmation).toContain("Next dates now: Wed, Dec 9, 14:00 EST;");
      expect((await db().cadence.findUniqueOrThrow({ where: { id: weeklyId } })).nextDueAt).toEqual(
        new Date("2026-12-09T19:00:00Z"),
      );
      const posted = posts().length;
      await sweepAll();
      expect(posts()).toHaveLength(posted + 1); // Tuesday's, once
    },
  );
});
