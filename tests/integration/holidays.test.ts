// Workspace holidays: /cadence holiday add, list and remove, and what they do to the next due
// dates and to firing (move to the next working day, or skip), driven by the test clock.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("workspace holidays", (provider) => {
  let cadence: CadenceUnderTest;
  let weeklyId: string;
  let standupId: string;
  const db = () => cadence.running.database.db;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>();
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const postsTo = (channel: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => call.args.channel === channel && !call.args.thread_ts);
  const nextDueAt = async (id: string) =>
    (await db().cadence.findUniqueOrThrow({ where: { id } })).nextDueAt?.toISOString();

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    for (const title of ["win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
    weeklyId = (await db().cadence.findFirstOrThrow({ where: { title: "Weekly funnel review" } }))
      .id;
    // A cadence whose occurrences on a holiday do not happen (holidayPolicy "skip").
    standupId = (
      await db().cadence.create({
        data: {
          slackTeamId: cadence.slack.teamId,
          kind: "custom",
          title: "Pipeline stand-up",
          recurrence: { kind: "weekly", weekdays: ["monday"], time: "08:00" },
          timezone: "America/New_York",
          channelId: "C0STANDUP",
          driSlackUserId: "U0BOB",
          reminderOffsetsMinutes: [],
          holidayPolicy: "skip",
          nextDueAt: new Date("2026-11-30T13:00:00Z"),
        },
      })
    ).id;
  });
  afterAll(() => cadence.stop());

  it("refuses holiday changes to non-admins, past dates and dates that are not dates", async () => {
    expect((await command("U0BOB", "holiday add 2026-11-30 Cyber Monday")).text).toBe(
      "Only a workspace admin or a Cadence admin (ADMIN_USER_IDS) can change this. Nothing was changed.",
    );
    expect((await command("U0OPS", "holiday add 2026-11-20 Too late")).text).toBe(
      "2026-11-20 has already passed: holidays are added for today or later. Nothing was changed.",
    );
    expect((await command("U0OPS", "holiday add 2026-11-31 Nope")).text).toContain(
      '"2026-11-31" is not a date',
    );
    expect(await db().holiday.count()).toBe(0);
  });

  it("adds a holiday: the next occurrence moves to the next working day, or is skipped, at once", async () => {
    expect((await command("U0OPS", "holiday add 2026-11-30 Cyber <@U0BOB> Monday")).text).toBe(
      ":calendar: 2026-11-30 (*Cyber &lt;@U0BOB&gt; Monday*) is a holiday: cadences due that day move to the next working day, or are skipped where set so.\n• *Pipeline stand-up*: Mon, Nov 30, 08:00 EST → Mon, Dec 7, 08:00 EST\n• *Weekly funnel review*: Mon, Nov 30, 09:00 EST → Tue, Dec 1, 09:00 EST",
    );
    expect(await nextDueAt(weeklyId)).toBe("2026-12-01T14:00:00.000Z");
    expect(await nextDueAt(standupId)).toBe("2026-12-07T13:00:00.000Z");
    expect(await db().holiday.findMany()).toEqual([
      expect.objectContaining({
        date: "2026-11-30",
        name: "Cyber <@U0BOB> Monday",
        createdBySlackUserId: "U0OPS",
      }),
    ]);
    const history = await db().cadenceHistory.findMany({ where: { cadenceId: weeklyId } });
    expect(history.map((h) => h.summary)).toContain(
      "next date Mon, Nov 30, 09:00 EST became Tue, Dec 1, 09:00 EST: holiday 2026-11-30 added",
    );
    expect(history.at(-1)?.changedBySlackUserId).toBe("U0OPS");
  });

  it("refuses a holiday added twice, and lists the upcoming ones to anyone, escaped", async () => {
    expect((await command("U0OPS", "holiday add 2026-11-30 Again")).text).toBe(
      "2026-11-30 is already a holiday (*Cyber &lt;@U0BOB&gt; Monday*). Nothing was changed.",
    );
    expect((await command("U0BOB", "holiday list")).text).toBe(
      "Upcoming holidays:\n• 2026-11-30: Cyber &lt;@U0BOB&gt; Monday",
    );
  });

  it("posts nothing on the holiday: the moved one the next working day, the skipped one not at all", async () => {
    await at("2026-11-30T13:00:30Z");
    await at("2026-11-30T14:00:30Z");
    expect(postsTo("C0REVENUE")).toHaveLength(0);
    expect(postsTo("C0STANDUP")).toHaveLength(0);
    await at("2026-12-01T14:00:30Z");
    await at("2026-12-01T14:01:00Z");
    expect(postsTo("C0REVENUE")).toHaveLength(1);
    expect(postsTo("C0STANDUP")).toHaveLength(0);
    expect(
      (await db().occurrence.findMany({ where: { cadenceId: weeklyId } })).map((o) => ({
        dueAt: o.dueAt.toISOString(),
        status: o.status,
      })),
    ).toEqual([{ dueAt: "2026-12-01T14:00:00.000Z", status: "posted" }]);
    expect(await db().occurrence.count({ where: { cadenceId: standupId } })).toBe(0);
    expect(await nextDueAt(weeklyId)).toBe("2026-12-07T14:00:00.000Z");
  });

  it("removes a holiday: the next occurrence goes back to the rhythm's day", async () => {
    await command("U0OPS", "holiday add 2026-12-07 Offsite");
    expect(await nextDueAt(weeklyId)).toBe("2026-12-08T14:00:00.000Z");
    expect(await nextDueAt(standupId)).toBe("2026-12-14T13:00:00.000Z");
    expect((await command("U0BOB", "holiday remove 2026-12-07")).text).toContain(
      "Only a workspace admin or a Cadence admin",
    );
    expect((await command("U0OPS", "holiday remove 2026-12-07")).text).toBe(
      ":calendar: 2026-12-07 is no longer a holiday.\n• *Pipeline stand-up*: Mon, Dec 14, 08:00 EST → Mon, Dec 7, 08:00 EST\n• *Weekly funnel review*: Tue, Dec 8, 09:00 EST → Mon, Dec 7, 09:00 EST",
    );
    expect(await nextDueAt(weeklyId)).toBe("2026-12-07T14:00:00.000Z");
    expect(await nextDueAt(standupId)).toBe("2026-12-07T13:00:00.000Z");
    expect((await command("U0OPS", "holiday remove 2026-12-07")).text).toBe(
      "2026-12-07 is not a holiday: `/cadence holiday list` shows them. Nothing was changed.",
    );
    expect((await command("U0OPS", "holiday list")).text).toBe(
      "No upcoming holidays. An admin adds one with `/cadence holiday add 2026-12-25 Christmas`.",
    );
  });
});
