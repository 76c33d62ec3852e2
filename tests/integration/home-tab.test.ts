import { afterAll, beforeAll, expect, it } from "vitest";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text?: string | { text: string } }>;
}
const blocksOf = (call: SlackCall) => (call.args.view as { blocks: Block[] }).blocks;
const textsOf = (call: SlackCall) =>
  blocksOf(call).flatMap((b) => [
    b.text?.text ?? "",
    ...(b.type === "context"
      ? (b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : (e.text?.text ?? "")))
      : []),
  ]);

describeEachDatabase("the Home tab", (provider) => {
  let cadence: CadenceUnderTest;
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
    cadence = await startCadenceForTest({ provider, env: { ADMIN_USER_IDS: "U0OPS" } });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    cadence.slack.addUser({ id: "U0OWNER", real_name: "Owen Owner", is_owner: true });
    await cadence.requests.slashCommand({
      command: "/cadence",
      text: "assign weekly <@U0BOB>",
      user_id: "U0OPS",
    });
    await cadence.requests.slashCommand({
      command: "/cadence",
      text: "backup icp <@U0BOB>",
      user_id: "U0OPS",
    });
  });
  afterAll(() => cadence.stop());

  it("shows a DRI their cadences with next dates and the DRI buttons, and what they back up", async () => {
    const home = await openHome("U0BOB");
    const texts = textsOf(home);
    expect(texts).toContain(
      "*Weekly funnel review* (you are the DRI)\nnext *Mon, Nov 30, 09:00 EST* · _Mondays at 09:00 America/New_York_",
    );
    expect(
      texts.some((t) => t.startsWith("*ICP review* (you are the backup; DRI *nobody yet*)")),
    ).toBe(true);
    const actions = blocksOf(home).find((b) => b.type === "actions")!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual([
      "cadence_mark_done",
      "cadence_snooze_day",
      "cadence_hand_over",
      "cadence_skip_occurrence",
      "cadence_move_occurrence",
    ]);
    expect(texts).not.toContain("All cadences");
  });

  it("shows admins and workspace owners every cadence, unassigned first", async () => {
    for (const admin of ["U0OPS", "U0OWNER"]) {
      const texts = textsOf(await openHome(admin));
      const all = texts.indexOf("All cadences");
      expect(all).toBeGreaterThan(0);
      const listed = texts.slice(all + 1).filter((t) => /^(:warning: )?\*[^*]+\*: DRI/.test(t));
      expect(listed).toHaveLength(6);
      expect(listed.at(-1)).toContain("*Weekly funnel review*: DRI <@U0BOB>");
      expect(listed.slice(0, 5).every((t) => t.startsWith(":warning:"))).toBe(true);
    }
  });

  it("republishes the tab with a confirmation when a button on it is used", async () => {
    const weekly = await cadence.running.database.db.cadence.findFirstOrThrow({
      where: { title: "Weekly funnel review" },
    });
    const before = cadence.slack.callsTo("views.publish").length;
    await cadence.requests.blockActions({
      user: "U0BOB",
      view: { id: "V1", type: "home" },
      container: { type: "view", view_id: "V1" },
      actions: [{ action_id: "cadence_snooze_day", value: weekly.id, type: "button" }],
    });
    await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
    const texts = textsOf(cadence.slack.callsTo("views.publish").at(-1)!);
    expect(texts).toContain(":zzz: <@U0BOB> snoozed *Weekly funnel review* by a day.");
    expect(texts.some((t) => t.includes("next *Tue, Dec 1, 09:00 EST*"))).toBe(true);
  });
});
