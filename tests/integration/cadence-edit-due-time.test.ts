// Editing a cadence's time at its due time, before the scheduler materialised it, and on a day
// whose occurrence was skipped: still one occurrence that day, never two.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { cadenceSettings, editCadence } from "../../src/cadences/edit-service.js";

describeEachDatabase("editing a cadence's time on its due day", (provider) => {
  let cadence: CadenceUnderTest;
  let id: string;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const deps = () => ({
    db: db(),
    clock: cadence.clock,
    adminUserIds: ["U0OPS"],
    onScheduleChanged: () => undefined,
  });
  const ops = { slackUserId: "U0OPS", isWorkspaceAdmin: false };
  const posts = () =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "C0SYNC" && !c.args.thread_ts);

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-26T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: "Bob Demand" });
    for (const title of ["weekly", "win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
    id = (
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
      })
    ).id;
  });
  afterAll(() => cadence.stop());

  it("moving Monday 09:00 to 10:00 at 09:00:20, before the sweep, posts once that Monday, not twice", async () => {
    cadence.clock.set("2026-11-30T14:00:20Z");
    const row = await db().cadence.findUniqueOrThrow({ where: { id } });
    const settings = cadenceSettings(row);
    const result = await editCadence(deps(), cadence.slack.teamId, ops, id, {
      ...settings,
      recurrence: { ...settings.recurrence, time: "10:00" },
    });
    expect(result).toMatchObject({ ok: true });
    // The confirmation says the due one goes out now, at its old time.
    expect(result.ok && result.message).toContain("was already due: it is posted now");
    await cadence.sweep();
    cadence.clock.set("2026-11-30T15:00:30Z");
    await cadence.sweep();
    cadence.clock.set("2026-11-30T23:00:00Z");
    await cadence.sweep();
    const dueAts = (
      await db().occurrence.findMany({ where: { cadenceId: id }, orderBy: { dueAt: "asc" } })
    ).map((o) => o.dueAt.toISOString());
    expect({ posts: posts().length, dueAts }).toEqual({
      posts: 1,
      dueAts: ["2026-11-30T14:00:00.000Z"],
    });
    expect((await db().cadence.findUniqueOrThrow({ where: { id } })).nextDueAt).toEqual(
      new Date("2026-12-07T15:00:00Z"),
    );
  });

  it("an occurrence skipped today does not come back later the same day when the time is edited", async () => {
    const row = await db().cadence.create({
      data: {
        slackTeamId: cadence.slack.teamId,
        kind: "custom",
        title: "Skipped today",
        timezone: "America/New_York",
        channelId: "C0SKIP",
        driSlackUserId: "U0BOB",
        reminderOffsetsMinutes: [],
        recurrence: { kind: "weekly", weekdays: ["monday"], time: "09:00" },
        nextDueAt: new Date("2026-12-07T14:00:00Z"),
      },
    });
    const { changeOccurrence } = await import("../../src/cadences/occurrence-changes.js");
    cadence.clock.set("2026-12-06T15:00:00Z");
    const skipped = await changeOccurrence(
      deps(),
      cadence.slack.teamId,
      ops,
      row.id,
      new Date("2026-12-07T14:00:00Z"),
      { kind: "skip", note: "offsite" },
    );
    expect(skipped).toMatchObject({ ok: true, dueAt: new Date("2026-12-14T14:00:00Z") });
    // Monday Dec 7, 10:00 EST: the DRI moves the rhythm to 14:00.
    cadence.clock.set("2026-12-07T15:00:00Z");
    const fresh = await db().cadence.findUniqueOrThrow({ where: { id: row.id } });
    const s = cadenceSettings(fresh);
    const edited = await editCadence(deps(), cadence.slack.teamId, ops, row.id, {
      ...s,
      recurrence: { ...s.recurrence, time: "14:00" },
    });
    expect(edited.ok).toBe(true);
    expect((await db().cadence.findUniqueOrThrow({ where: { id: row.id } })).nextDueAt).toEqual(
      new Date("2026-12-14T19:00:00Z"),
    );
  });
});
