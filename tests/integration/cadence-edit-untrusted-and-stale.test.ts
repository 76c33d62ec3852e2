// The edit modal with untrusted text (mentions in a title or a skip reason are shown escaped,
// never live) and a form opened before someone else's edit (refused, not undoing that edit).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface ModalBlock {
  type: string;
  block_id?: string;
  element?: Record<string, unknown>;
}
interface Modal {
  callback_id: string;
  private_metadata: string;
  blocks: ModalBlock[];
}
type Values = Record<string, Record<string, unknown>>;

function stateWith(view: Modal, changes: Values) {
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
  for (const [block, change] of Object.entries(changes))
    values[block] = { ...values[block], ...change };
  return { values: Object.fromEntries(Object.entries(values).map(([b, s]) => [b, { value: s }])) };
}

describeEachDatabase("edit modal: untrusted text and stale forms", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const openEdit = async (user: string, name: string) => {
    const before = cadence.slack.callsTo("views.open").length;
    await command(user, `edit ${name}`);
    await expect.poll(() => cadence.slack.callsTo("views.open").length).toBe(before + 1);
    return cadence.slack.callsTo("views.open").at(-1)!.args.view as Modal;
  };
  const submit = (user: string, view: Modal, changes: Values = {}) =>
    cadence.requests.viewSubmission({ user, view: { ...view, state: stateWith(view, changes) } });
  const dmsTo = (user: string) =>
    cadence.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === user);

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
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await db().cadence.create({
      data: {
        slackTeamId: cadence.slack.teamId,
        kind: "custom",
        title: "Pipeline sync",
        recurrence: { kind: "weekly", weekdays: ["monday"], time: "09:00" },
        timezone: "America/New_York",
        channelId: "C0SYNC",
        driSlackUserId: "U0BOB",
        reminderOffsetsMinutes: [],
        nextDueAt: new Date("2026-11-30T14:00:00Z"),
      },
    });
  });
  afterAll(() => cadence.stop());

  it("a title with a user or channel mention is shown escaped in the edit confirmation, never as a live mention", async () => {
    const view = await openEdit("U0BOB", "pipeline sync");
    const dms = dmsTo("U0BOB").length;
    const response = await submit("U0BOB", view, {
      cadence_title: { value: "Sync <@U0CAROL> <#C0SECRET> <!channel>" },
    });
    expect(response.status).toBe(200);
    await expect.poll(() => dmsTo("U0BOB").length).toBe(dms + 1);
    const text = String(dmsTo("U0BOB").at(-1)!.args.text);
    // The title is user text: none of its angle brackets may reach Slack unescaped.
    expect(text).not.toContain("<@U0CAROL>");
    expect(text).not.toContain("<#C0SECRET>");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;@U0CAROL&gt;");
    // The Home tab's Recent changes show the stored summary escaped too.
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({
      type: "app_home_opened",
      user: "U0OPS",
      channel: "DU0OPS",
      tab: "home",
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    const home = JSON.stringify(cadence.slack.callsTo("views.publish").at(-1)!.args.view);
    expect(home).toContain("&lt;@U0CAROL&gt;");
    expect(home).not.toContain("<@U0CAROL>");
  });

  it("a form opened before someone else's edit does not silently undo that edit", async () => {
    const bobsView = await openEdit("U0BOB", "weekly");
    const olgasView = await openEdit("U0OPS", "weekly");
    expect(
      (await submit("U0OPS", olgasView, { cadence_channel: { selected_conversation: "C0SALES" } }))
        .status,
    ).toBe(200);
    await expect
      .poll(
        async () =>
          (await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } }))
            .channelId,
      )
      .toBe("C0SALES");
    // Bob only changes the grace hours in his (older) form.
    const response = await submit("U0BOB", bobsView, { cadence_grace: { value: "48" } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({
      response_action: "errors",
      errors: { cadence_rhythm: expect.stringContaining("Close it and press Edit again") },
    });
    const weekly = await db().cadence.findFirstOrThrow({
      where: { title: "Weekly funnel review" },
    });
    expect({ channel: weekly.channelId, grace: weekly.escalationGraceMinutes }).toEqual({
      channel: "C0SALES",
      grace: 24 * 60,
    });
    // A form opened after that edit saves.
    const fresh = await openEdit("U0BOB", "weekly");
    expect((await submit("U0BOB", fresh, { cadence_grace: { value: "48" } })).text).toBe("");
    const saved = await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } });
    expect(saved.escalationGraceMinutes).toBe(48 * 60);
  });

  it("a skip reason with a mention is shown escaped in the Home tab's history", async () => {
    const { changeOccurrence } = await import("../../src/cadences/occurrence-changes.js");
    const weekly = await db().cadence.findFirstOrThrow({
      where: { title: "Weekly funnel review" },
    });
    const result = await changeOccurrence(
      {
        db: db(),
        clock: cadence.clock,
        adminUserIds: ["U0OPS"],
        onScheduleChanged: () => undefined,
      },
      cadence.slack.teamId,
      { slackUserId: "U0OPS", isWorkspaceAdmin: false },
      weekly.id,
      weekly.nextDueAt!,
      { kind: "skip", note: "ask <@U0CAROL> in <#C0SECRET>" },
    );
    expect(result.ok).toBe(true);
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.event({
      type: "app_home_opened",
      user: "U0OPS",
      channel: "DU0OPS",
      tab: "home",
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    const home = JSON.stringify(cadence.slack.callsTo("views.publish").at(-1)!.args.view);
    expect(home).toContain("ask &lt;@U0CAROL&gt; in &lt;#C0SECRET&gt;");
    expect(home).not.toContain("ask <@U0CAROL>");
  });
});
