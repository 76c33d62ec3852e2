// The quarter's diagnostic opening while Slack fails to list a user group for a moment: the firing
// is retried and nobody is dropped, rather than a whole side missing the quarter.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("the diagnostic when Slack fails to list a group", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const marketing = ["U0MK1", "U0MK2", "U0MK3"];
  const sales = ["U0AE1", "U0AE2", "U0AE3"];

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      now: "2026-11-23T14:00:00Z",
      env: { ADMIN_USER_IDS: "U0OPS" },
    });
    for (const id of ["U0OPS", ...marketing, ...sales])
      cadence.slack.addUser({ id, real_name: `P ${id}` });
    cadence.slack.respond("usergroups.users.list", (call) => ({
      users: call.args.usergroup === "S0MKTG" ? marketing : sales,
    }));
    await command("U0OPS", "marketing <!subteam^S0MKTG|@marketing>");
    await command("U0OPS", "sales <!subteam^S0SALES|@sales>");
    await command("U0OPS", "assign diagnostic <@U0OPS>");
    await command("U0OPS", "channel diagnostic <#C0REVENUE|revenue>");
  });
  afterAll(() => cadence.stop());

  it("a Slack 500 on a group's members fails the firing without a round; the retry asks both sides", async () => {
    const failing = cadence.slack.replyWhen(
      "usergroups.users.list",
      (call) => call.args.usergroup === "S0SALES",
      { kind: "error", error: "internal_error", status: 500 },
    );
    await db().cadence.updateMany({
      where: { kind: "quarterly_alignment_diagnostic" },
      data: { nextDueAt: new Date("2026-11-24T16:00:00Z") },
    });
    cadence.clock.set("2026-11-24T16:00:05Z");
    await cadence.sweep();
    failing();
    expect(await db().diagnosticRound.count()).toBe(0);
    expect(await db().diagnosticInvite.count()).toBe(0);

    cadence.clock.set("2026-11-24T17:00:00Z");
    await cadence.sweep();
    await cadence.sweep();
    const invites = await db().diagnosticInvite.findMany();
    expect(
      invites
        .filter((i) => i.side === "sales")
        .map((i) => i.slackUserId)
        .sort(),
    ).toEqual(sales);
    expect(invites.filter((i) => i.side === "marketing")).toHaveLength(3);
    const posts = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "C0REVENUE");
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args)).toContain("Asked 3 in marketing and 3 in sales");
  }, 60_000);
});
