// Away dates under pressure: ranges for one person sent at the same moment (as two replicas
// would), `/cadence away end` with several ranges open, and a DRI away whom nobody can cover.
import { afterAll, beforeAll, expect, it } from "vitest";
import { setAway } from "../../src/cadences/absence-service.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("away dates sent at the same moment", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>().text;

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-26T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    await command("U0BOB", "list");
  });
  afterAll(() => cadence.stop());

  it("stores exactly one of several overlapping ranges set for one person at once", async () => {
    const deps = { db: db(), clock: cadence.clock, adminUserIds: ["U0OPS"] };
    const ranges = [
      ["2026-12-01", "2026-12-10"],
      ["2026-12-05", "2026-12-20"],
      ["2026-12-04", "2026-12-05"],
      ["2026-12-05", "2026-12-05"],
    ] as const; // Every two of them overlap: all include Dec 5.
    for (let round = 0; round < 4; round += 1) {
      const person = `U0RACE${round}`;
      const actor = { slackUserId: person, isWorkspaceAdmin: false };
      const results = await Promise.all(
        ranges.map(([from, to]) =>
          setAway(deps, cadence.slack.teamId, actor, { person, from, to }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? "" : r.code))).toEqual([
        "absence-overlap",
        "absence-overlap",
        "absence-overlap",
      ]);
      expect(await db().absence.count({ where: { slackUserId: person, endedAt: null } })).toBe(1);
    }
  });

  it("of ranges set at once, stores only ones that overlap no other", async () => {
    const deps = { db: db(), clock: cadence.clock, adminUserIds: ["U0OPS"] };
    // Which are stored depends on which request goes first; no two of them may overlap.
    const ranges = [
      ["2026-12-01", "2026-12-10"],
      ["2026-12-05", "2026-12-20"],
      ["2026-12-03", "2026-12-04"],
      ["2026-12-02", "2026-12-02"],
    ] as const;
    for (let round = 0; round < 4; round += 1) {
      const person = `U0MIX${round}`;
      const actor = { slackUserId: person, isWorkspaceAdmin: false };
      const results = await Promise.all(
        ranges.map(([from, to]) =>
          setAway(deps, cadence.slack.teamId, actor, { person, from, to }),
        ),
      );
      const stored = await db().absence.findMany({ where: { slackUserId: person, endedAt: null } });
      expect(stored).toHaveLength(results.filter((r) => r.ok).length);
      for (const a of stored)
        for (const b of stored)
          if (a.id !== b.id) expect(a.endsOn < b.startsOn || b.endsOn < a.startsOn).toBe(true);
    }
  });

  it("ends the current range with /cadence away end and names the ranges still set", async () => {
    // Two overlapping ranges, as stored before overlaps were checked under a lock.
    for (const [startsOn, endsOn] of [
      ["2026-11-25", "2026-11-28"],
      ["2026-11-26", "2026-12-02"],
    ] as const)
      await db().absence.create({
        data: {
          slackTeamId: cadence.slack.teamId,
          slackUserId: "U0BOB",
          startsOn,
          endsOn,
          createdBySlackUserId: "U0BOB",
          createdAt: new Date("2026-11-20T00:00:00Z"),
        },
      });
    expect(await command("U0BOB", "away end")).toBe(
      ":palm_tree: The away range 2026-11-25 to 2026-11-28 ended early. You are still away from 2026-11-26 to 2026-12-02: `/cadence away end` ends the next.",
    );
    expect(await command("U0BOB", "away end")).toBe(
      ":palm_tree: You are back: the away range 2026-11-26 to 2026-12-02 ended early, and reminders go to you again.",
    );
    expect(await db().absence.count({ where: { slackUserId: "U0BOB", endedAt: null } })).toBe(0);
    await command("U0BOB", "away 2026-12-07 2026-12-08");
    await command("U0BOB", "away 2026-12-21 2026-12-22");
    expect(await command("U0BOB", "away end")).toBe(
      ":palm_tree: You are no longer away from 2026-12-07 to 2026-12-08. You still have away dates from 2026-12-21 to 2026-12-22: `/cadence away end` ends the next.",
    );
  });
});

describeEachDatabase("a DRI away whom nobody can cover", (provider) => {
  let cadence: CadenceUnderTest;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>().text;

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-26T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    await command("U0OPS", "assign weekly <@U0BOB>");
  });
  afterAll(() => cadence.stop());

  it("is told reminders keep coming to them and how to name a cover, and still gets the reminder", async () => {
    // No admin channel was ever set, and the weekly cadence has no backup.
    expect(await command("U0BOB", "away 2026-11-27 2026-12-04")).toBe(
      ":palm_tree: You are away from 2026-11-27 to 2026-12-04. *Weekly funnel review* has no backup and there is no admin channel: reminders keep coming to you. Set a backup with `/cadence backup <cadence> @person` or an admin channel with `/cadence admin-channel #channel`.",
    );
    const before = cadence.slack.callsTo("chat.postMessage").length;
    // Weekly funnel review is due Mon Nov 30 09:00 EST; its 1-day reminder falls on Sun Nov 29.
    cadence.clock.set("2026-11-29T14:05:00Z");
    await cadence.sweep();
    const reminders = cadence.slack
      .callsTo("chat.postMessage")
      .slice(before)
      .filter((call) => String(call.args.text).includes("Weekly funnel review"));
    expect(reminders.map((call) => [call.args.channel, call.args.text])).toEqual([
      [
        "DU0BOB",
        "Reminder: *Weekly funnel review* is due tomorrow (Mon, Nov 30, 09:00 EST). You are its DRI.",
      ],
    ]);
  });

  it("says so when the backup is away too and nobody else covers", async () => {
    cadence.slack.addUser({ id: "U0CAROL", real_name: "Carol Closer" });
    await command("U0OPS", "backup weekly <@U0CAROL>");
    await command("U0CAROL", "away 2026-12-14 2026-12-18");
    expect(await command("U0BOB", "away 2026-12-15 2026-12-16")).toBe(
      ":palm_tree: You are away from 2026-12-15 to 2026-12-16. *Weekly funnel review*: the backup <@U0CAROL> is away too and there is no admin channel, so reminders keep coming to you. Set a backup with `/cadence backup <cadence> @person` or an admin channel with `/cadence admin-channel #channel`.",
    );
  });

  it("names the admin channel that covers once there is one and the backup is away", async () => {
    await command("U0OPS", "admin-channel <#C0REVOPS|revops>");
    expect(await command("U0OPS", "away <@U0BOB> 2026-12-17 2026-12-18")).toBe(
      ":palm_tree: <@U0BOB> is away from 2026-12-17 to 2026-12-18. Meanwhile reminders and escalations for *Weekly funnel review* go to the admin channel <#C0REVOPS>.",
    );
  });
});
