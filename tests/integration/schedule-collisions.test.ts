// Holidays that push an occurrence onto a time a skip or move holds on record: what the DRI is
// told, the calendar feed and firing agree.
import { afterAll, beforeAll, expect, it } from "vitest";
import { changeOccurrence } from "../../src/cadences/occurrence-changes.js";
import type { CadenceDeps } from "../../src/cadences/service.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("holidays meeting skipped and moved occurrences", (provider) => {
  let cadence: CadenceUnderTest;
  let id: string;
  const db = () => cadence.running.database.db;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>().text;
  const deps = (): CadenceDeps => ({
    db: db(),
    clock: cadence.clock,
    adminUserIds: ["U0OPS"],
    onScheduleChanged: () => undefined,
  });
  const bob = { slackUserId: "U0BOB", isWorkspaceAdmin: false };

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS", PUBLIC_URL: "https://cadence.acme.test" },
      now: "2026-12-02T14:00:00Z",
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
          title: "Mon and Tue sync",
          recurrence: { kind: "weekly", weekdays: ["monday", "tuesday"], time: "09:00" },
          timezone: "America/New_York",
          channelId: "C0SYNC",
          driSlackUserId: "U0BOB",
          reminderOffsetsMinutes: [],
          holidayPolicy: "move",
          nextDueAt: new Date("2026-12-07T14:00:00Z"),
        },
      })
    ).id;
  });
  afterAll(() => cadence.stop());

  it("skipping the Tuesday a holiday Monday was pushed onto moves that Monday on to Wednesday, where it is posted", async () => {
    expect(await command("U0OPS", "holiday add 2026-12-07 Closure")).toContain(":calendar:");
    // Monday Dec 7 moved onto Tuesday Dec 8 09:00, the same instant as Tuesday's own occurrence.
    const before = await db().cadence.findUniqueOrThrow({ where: { id } });
    expect(before.nextDueAt).toEqual(new Date("2026-12-08T14:00:00Z"));
    const skipped = await changeOccurrence(
      deps(),
      cadence.slack.teamId,
      bob,
      id,
      new Date("2026-12-08T14:00:00Z"),
      {
        kind: "skip",
        note: null,
      },
    );
    expect(skipped.ok).toBe(true);
    // Tuesday's own 09:00 is skipped; the holiday Monday merged into it goes on to Wednesday.
    const next = (await db().cadence.findUniqueOrThrow({ where: { id } })).nextDueAt;
    expect(next).toEqual(new Date("2026-12-09T14:00:00Z"));
    const posts = () =>
      cadence.slack
        .callsTo("chat.postMessage")
        .filter((c) => c.args.channel === "C0SYNC" && !c.args.thread_ts).length;
    cadence.clock.set("2026-12-08T14:01:00Z");
    await cadence.sweep();
    expect(posts()).toBe(0);
    cadence.clock.set("2026-12-09T14:01:00Z");
    await cadence.sweep();
    expect(posts()).toBe(1);
  });

  it("a holiday pushing Monday onto a Tuesday time that was moved away posts that Monday's occurrence on Wednesday", async () => {
    const other = (
      await db().cadence.create({
        data: {
          slackTeamId: cadence.slack.teamId,
          kind: "custom",
          title: "Mon and Tue review",
          recurrence: { kind: "weekly", weekdays: ["monday", "tuesday"], time: "09:00" },
          timezone: "America/New_York",
          channelId: "C0REVIEW",
          driSlackUserId: "U0BOB",
          reminderOffsetsMinutes: [],
          holidayPolicy: "move",
          nextDueAt: new Date("2026-12-14T14:00:00Z"),
        },
      })
    ).id;
    cadence.clock.set("2026-12-09T14:00:00Z");
    // Tuesday Dec 15 is moved to Thursday Dec 17; then Monday Dec 14 becomes a holiday.
    const moved = await changeOccurrence(
      deps(),
      cadence.slack.teamId,
      bob,
      other,
      new Date("2026-12-15T14:00:00Z"),
      {
        kind: "move",
        to: new Date("2026-12-17T14:00:00Z"),
        note: null,
      },
    );
    expect(moved.ok).toBe(true);
    expect(await command("U0OPS", "holiday add 2026-12-14 Closure")).toContain(":calendar:");
    const next = (await db().cadence.findUniqueOrThrow({ where: { id: other } })).nextDueAt;
    expect(next).toEqual(new Date("2026-12-16T14:00:00Z"));
    cadence.clock.set("2026-12-16T14:01:00Z");
    await cadence.sweep();
    const posted = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === "C0REVIEW" && !c.args.thread_ts);
    expect(posted.length).toBe(1);
  });
});
