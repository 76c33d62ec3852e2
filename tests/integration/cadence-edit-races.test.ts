// An edit of the rhythm racing a move of a later occurrence (as on two replicas): whichever
// writes second decides again on a fresh read, so no moved date is left off the new rhythm.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { cadenceSettings, editCadence } from "../../src/cadences/edit-service.js";
import { changeOccurrence } from "../../src/cadences/occurrence-changes.js";
import { loadSchedule } from "../../src/cadences/store.js";
import { scheduledBetween } from "../../src/cadences/schedule.js";

describeEachDatabase("an edit racing a skip or move", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const deps = () => ({
    db: db(),
    clock: cadence.clock,
    adminUserIds: ["U0OPS"],
    onScheduleChanged: () => undefined,
  });
  const ops = { slackUserId: "U0OPS", isWorkspaceAdmin: false };

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-26T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    await cadence.requests.slashCommand({ command: "/cadence", text: "list", user_id: "U0OPS" });
  });
  afterAll(() => cadence.stop());

  it("never leaves a moved Monday behind on a cadence that now runs on Tuesdays", async () => {
    const phantoms: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const row = await db().cadence.create({
        data: {
          slackTeamId: cadence.slack.teamId,
          kind: "custom",
          title: `Race ${i}`,
          recurrence: { kind: "weekly", weekdays: ["monday"], time: "09:00" },
          timezone: "America/New_York",
          reminderOffsetsMinutes: [],
          nextDueAt: new Date("2026-11-30T14:00:00Z"),
        },
      });
      const settings = cadenceSettings(row);
      const [edit, move] = await Promise.all([
        editCadence(deps(), cadence.slack.teamId, ops, row.id, {
          ...settings,
          recurrence: {
            kind: "weekly",
            weekdays: ["tuesday"],
            time: "09:00",
            everyWeeks: 1,
          } as typeof settings.recurrence,
        }),
        changeOccurrence(
          deps(),
          cadence.slack.teamId,
          ops,
          row.id,
          new Date("2026-12-14T14:00:00Z"),
          {
            kind: "move",
            to: new Date("2026-12-16T15:00:00Z"),
            note: null,
          },
        ),
      ]);
      const fresh = await db().cadence.findUniqueOrThrow({ where: { id: row.id } });
      const schedule = await loadSchedule(db(), fresh, cadence.clock.now());
      const dates = scheduledBetween(
        schedule,
        cadence.clock.now(),
        new Date("2027-01-01T00:00:00Z"),
      ).map((o) => o.dueAt.toISOString());
      if (
        dates.some(
          (d) =>
            !d.startsWith("2026-12-01") &&
            !d.startsWith("2026-12-08") &&
            !d.startsWith("2026-12-15") &&
            !d.startsWith("2026-12-22") &&
            !d.startsWith("2026-12-29"),
        )
      )
        phantoms.push(`${i}: edit ${edit.ok} move ${move.ok}: ${dates.join(" ")}`);
    }
    expect(phantoms).toEqual([]);
  });
});
