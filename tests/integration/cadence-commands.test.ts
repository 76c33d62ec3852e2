import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Reply {
  response_type?: string;
  text: string;
  blocks?: Array<{
    type: string;
    text?: { text: string };
    elements?: Array<{ action_id: string; value: string; text: { text: string } | string }>;
  }>;
}
const label = (element: { text: { text: string } | string }) =>
  typeof element.text === "string" ? element.text : element.text.text;
/** Everything a person reads in a reply: its text, section texts and context lines. */
const textOf = (reply: Reply) =>
  [
    reply.text,
    ...(reply.blocks ?? []).flatMap((b) => [
      b.text?.text ?? "",
      ...(b.type === "context" ? (b.elements ?? []).map(label) : []),
    ]),
  ].join("\n");

describeEachDatabase("/cadence commands", (provider) => {
  let cadence: CadenceUnderTest;
  const command = async (user: string, text: string) =>
    (
      await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })
    ).json<Reply>();
  const cadenceNamed = (title: string) =>
    cadence.running.database.db.cadence.findFirstOrThrow({
      where: { slackTeamId: cadence.slack.teamId, title },
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider, env: { ADMIN_USER_IDS: "U0OPS" } });
    cadence.slack.addUser({ id: "U0ADMIN", real_name: "Ada Admin", is_admin: true });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    cadence.slack.addUser({ id: "U0CAROL", real_name: "Carol Closer" });
    cadence.slack.addUser({ id: "U0DAVE", real_name: "Dave Rep" });
    cadence.slack.addUser({ id: "U0ROBOT", real_name: "Zapier", is_bot: true });
    cadence.slack.addUser({ id: "U0GONE", real_name: "Gina Gone", deleted: true });
  });
  afterAll(() => cadence.stop());

  it("gives a new workspace the six standard cadences without DRIs, and tells the admins", async () => {
    const all = await cadence.running.database.db.cadence.findMany({
      where: { slackTeamId: cadence.slack.teamId },
    });
    expect(all.map((c) => c.title).sort()).toEqual([
      "Content in the wild",
      "ICP review",
      "MQL definition review",
      "Monthly win/loss",
      "Quarterly alignment diagnostic",
      "Weekly funnel review",
    ]);
    expect(all.every((c) => c.driSlackUserId === null)).toBe(true);
    // Started Monday 2026-11-23 09:00 New York: the weekly review is next due a week later.
    expect((await cadenceNamed("Weekly funnel review")).nextDueAt?.toISOString()).toBe(
      "2026-11-30T14:00:00.000Z",
    );
    const told = cadence.slack
      .callsTo("chat.postMessage")
      .find((call) => call.args.channel === "U0OPS");
    expect(told?.args.text).toBe("Cadence set up 6 standard cadences; none has a DRI yet.");
  });

  it("lists every cadence for anyone, unassigned ones flagged", async () => {
    const reply = await command("U0DAVE", "list");
    expect(reply.response_type).toBe("ephemeral");
    const text = textOf(reply);
    expect(text).toContain(":warning: *Weekly funnel review*: DRI *nobody yet*");
    expect(text).toContain("Mondays at 09:00 America/New_York");
    expect(text).toContain("6 without a DRI");
  });

  it("refuses a change from someone who is neither admin nor DRI, and changes nothing", async () => {
    const reply = await command("U0DAVE", "assign weekly funnel review <@U0BOB|bob>");
    expect(reply.text).toContain("Only the DRI of *Weekly funnel review*");
    expect(reply.text).toContain("Nothing was changed.");
    expect((await cadenceNamed("Weekly funnel review")).driSlackUserId).toBeNull();
  });

  it("lets a workspace admin assign a DRI, and records who did it and why", async () => {
    const reply = await command("U0ADMIN", "assign Weekly Funnel <@U0BOB|bob>");
    expect(reply.text).toBe("<@U0BOB> is now the DRI of *Weekly funnel review*.");
    const weekly = await cadenceNamed("Weekly funnel review");
    expect(weekly.driSlackUserId).toBe("U0BOB");
    expect(weekly.unassignedSince).toBeNull();
    const history = await cadence.running.database.db.driChange.findMany({
      where: { cadenceId: weekly.id },
    });
    expect(history).toMatchObject([
      {
        role: "dri",
        fromSlackUserId: null,
        toSlackUserId: "U0BOB",
        changedBySlackUserId: "U0ADMIN",
        reason: "assigned",
      },
    ]);
  });

  it("lets a Cadence admin from ADMIN_USER_IDS and the current DRI change a cadence", async () => {
    expect((await command("U0OPS", "backup weekly <@U0CAROL>")).text).toBe(
      "<@U0CAROL> is now the backup for *Weekly funnel review*.",
    );
    expect((await command("U0BOB", "pause weekly")).text).toContain(
      "*Weekly funnel review* is paused",
    );
    expect((await cadenceNamed("Weekly funnel review")).nextDueAt).toBeNull();
    expect((await command("U0BOB", "resume weekly")).text).toBe(
      "*Weekly funnel review* is running again.",
    );
    expect((await cadenceNamed("Weekly funnel review")).nextDueAt?.toISOString()).toBe(
      "2026-11-30T14:00:00.000Z",
    );
  });

  it("refuses a bot, a deactivated member or a team as DRI", async () => {
    expect((await command("U0ADMIN", "assign icp <@U0ROBOT>")).text).toContain(
      "is a bot: a DRI is a named person",
    );
    expect((await command("U0ADMIN", "assign icp <@U0GONE>")).text).toContain("is deactivated");
    expect(textOf(await command("U0ADMIN", "assign icp <!subteam^S0MKTG|@marketing>"))).toContain(
      "A DRI is one named person, never a team",
    );
    expect((await cadenceNamed("ICP review")).driSlackUserId).toBeNull();
  });

  it("offers a choice when a name matches several cadences, and acts on the one picked", async () => {
    const reply = await command("U0ADMIN", "assign review <@U0CAROL>");
    expect(reply.text).toContain('"review" matches 3 cadences');
    const buttons = reply.blocks?.find((b) => b.type === "actions")?.elements ?? [];
    expect(buttons.map(label).sort()).toEqual([
      "ICP review",
      "MQL definition review",
      "Weekly funnel review",
    ]);
    const icp = buttons.find((b) => label(b) === "ICP review")!;
    const responseUrl = cadence.slack.responseUrl();
    await cadence.requests.blockActions({
      user: "U0ADMIN",
      response_url: responseUrl,
      actions: [{ action_id: icp.action_id, value: icp.value, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith(responseUrl.split("/").pop()!),
    );
    expect(answer.args.text).toBe("<@U0CAROL> is now the DRI of *ICP review*.");
    expect((await cadenceNamed("ICP review")).driSlackUserId).toBe("U0CAROL");
  });

  it("hands over everything one person owns", async () => {
    const reply = await command("U0ADMIN", "handover <@U0CAROL> <@U0DAVE>");
    expect(reply.text).toBe(
      "Handed over *ICP review*, *Weekly funnel review* from <@U0CAROL> to <@U0DAVE>.",
    );
    expect((await cadenceNamed("ICP review")).driSlackUserId).toBe("U0DAVE");
    expect((await cadenceNamed("Weekly funnel review")).backupSlackUserId).toBe("U0DAVE");
  });

  it("marks a six-month review done, which sets its next due date six months on", async () => {
    // A definition review asks what it decided; the answer marks it done.
    const asked = await command("U0OPS", "done mql");
    expect(textOf(asked)).toContain("What did the review decide?");
    const confirm = asked.blocks!.find((b) => b.type === "actions")!.elements![0]!;
    const url = cadence.slack.responseUrl("done-mql");
    await cadence.requests.blockActions({
      user: "U0OPS",
      response_url: url,
      actions: [{ action_id: confirm.action_id, value: confirm.value, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("done-mql"),
    );
    expect(answer.args.text).toContain(
      ":white_check_mark: *MQL definition review* is marked done by <@U0OPS>. Outcome: the definition is confirmed as it stands.",
    );
    const mql = await cadenceNamed("MQL definition review");
    expect(mql.lastCompletedAt?.toISOString()).toBe("2026-11-23T14:00:00.000Z");
    expect(mql.nextDueAt?.toISOString()).toBe("2027-05-23T14:00:00.000Z"); // 10:00 EDT
  });

  it("sets how long an undone occurrence waits before it is escalated", async () => {
    expect((await command("U0OPS", "grace weekly 48")).text).toBe(
      "*Weekly funnel review* is escalated 48 hours after it is due if nobody marks it done.",
    );
    expect((await cadenceNamed("Weekly funnel review")).escalationGraceMinutes).toBe(2880);
    expect(textOf(await command("U0OPS", "grace weekly soon"))).toContain(
      "Give the hours after the due time",
    );
  });

  it("answers unknown input and missing arguments with the usage", async () => {
    expect(textOf(await command("U0DAVE", "assign"))).toContain(
      // Escaped for mrkdwn (src/help/views.ts usageBlocks); Slack shows `<cadence>`.
      "Which cadence? Usage: `/cadence assign &lt;cadence&gt; @person`",
    );
    expect(textOf(await command("U0DAVE", "reschedule everything"))).toContain(
      "I don't know `/cadence reschedule everything`.",
    );
    expect(textOf(await command("U0DAVE", "done board meeting"))).toContain(
      'No cadence matches "board meeting"',
    );
  });
});
