// Seeds a migrated database with a workspace and many cadences all due at one instant, for the
// replica test and the scheduler benchmark: cadence i posts to channel C0LOAD<i mod channels>.
import { openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";

export async function seedDueCadences(
  url: string,
  teamId: string,
  dueAt: Date,
  count: number,
  channels = 10,
): Promise<void> {
  await migrateDatabase(url);
  const database = openDatabase(url);
  try {
    await database.db.workspace.create({
      data: { slackTeamId: teamId, name: "Acme Revenue", timezone: "UTC", settings: {} },
    });
    await database.db.cadence.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        slackTeamId: teamId,
        kind: "custom",
        title: `Load cadence ${i + 1}`,
        recurrence: {
          kind: "weekly",
          weekdays: ["monday"],
          time: "09:00",
          everyWeeks: 1,
          anchor: "2026-01-05",
        },
        timezone: "UTC",
        channelId: `C0LOAD${i % channels}`,
        driSlackUserId: "U0BOB",
        reminderOffsetsMinutes: [],
        nextDueAt: dueAt,
      })),
    });
  } finally {
    await database.close();
  }
}
