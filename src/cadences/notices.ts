// The scheduler's other duties: reminding DRIs before an occurrence, escalating one left undone,
// and telling the admin channel every day which cadences have no DRI. Each is delivered once.
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import type { DepartureReport } from "./service.js";
import { settingsOf } from "../workspaces/settings.js";
import { dueReminderOffset, escalationDueAt, localDay } from "./rules.js";
import { reminderOffsetsOf } from "./store.js";
import { escalationMessage, reminderMessage, unassignedNotice } from "./views.js";

/** The furthest ahead a reminder can be (a week), bounding the query. */
const MAX_REMINDER_HORIZON_MS = 7 * 24 * 3_600_000;

export async function sendDueReminders(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const upcoming = await deps.db.cadence.findMany({
    where: {
      active: true,
      driSlackUserId: { not: null },
      nextDueAt: { gt: now, lte: new Date(now.getTime() + MAX_REMINDER_HORIZON_MS) },
    },
  });
  let sent = 0;
  for (const cadence of upcoming) {
    const dueAt = cadence.nextDueAt!;
    const offset = dueReminderOffset(reminderOffsetsOf(cadence), dueAt, now);
    if (offset === null) continue;
    const outcome = await deliverOnce(deps, {
      key: `remind:${cadence.id}:${dueAt.toISOString()}:${offset}`,
      target: cadence.driSlackUserId!,
      message: () =>
        Promise.resolve(
          reminderMessage({
            cadenceId: cadence.id,
            title: cadence.title,
            dueAt,
            timezone: cadence.timezone,
            offsetMinutes: offset,
          }),
        ),
      onDelivered: () => Promise.resolve(),
    });
    if (outcome === "delivered") sent += 1;
  }
  return sent;
}

export async function escalateOverdueOccurrences(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const candidates = await deps.db.occurrence.findMany({
    where: { status: "posted", escalatedAt: null, dueAt: { lte: now } },
    include: { cadence: { include: { workspace: true } } },
    take: 500,
  });
  let escalated = 0;
  for (const occurrence of candidates) {
    const { cadence } = occurrence;
    if (escalationDueAt(occurrence.dueAt, cadence.escalationGraceMinutes) > now) continue;
    const message = () =>
      Promise.resolve(escalationMessage({ ...cadence, dueAt: occurrence.dueAt }));
    const targets = [
      cadence.backupSlackUserId,
      settingsOf(cadence.workspace).adminChannelId,
    ].filter((t): t is string => Boolean(t));
    for (const target of targets) {
      await deliverOnce(deps, {
        key: `escalate:${occurrence.id}:${target}`,
        target,
        message,
        onDelivered: () => Promise.resolve(),
      });
    }
    if (targets.length === 0)
      deps.logger.warn(
        { cadenceId: cadence.id },
        "an overdue occurrence has no backup and no admin channel to escalate to",
      );
    await deps.db.occurrence.update({ where: { id: occurrence.id }, data: { escalatedAt: now } });
    escalated += 1;
  }
  return escalated;
}

/** Once a day (in the workspace's timezone), the admin channel hears which cadences have no DRI. */
export async function noticeUnassignedCadences(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const workspaces = await deps.db.workspace.findMany({
    include: { cadences: { where: { driSlackUserId: null, active: true } } },
  });
  let notices = 0;
  for (const workspace of workspaces) {
    const adminChannelId = settingsOf(workspace).adminChannelId;
    if (!adminChannelId || workspace.cadences.length === 0) continue;
    const outcome = await deliverOnce(deps, {
      key: `unassigned:${workspace.slackTeamId}:${localDay(now, workspace.timezone)}`,
      target: adminChannelId,
      message: () =>
        Promise.resolve(
          unassignedNotice(
            workspace.cadences.map((c) => c.title),
            "yet",
          ),
        ),
      onDelivered: () => Promise.resolve(),
    });
    if (outcome === "delivered") notices += 1;
  }
  return notices;
}

/** Tells the people who need to know where a departed person's cadences went, at once. */
export async function announceDeparture(
  deps: { db: Db; slack: WebClient; adminUserIds: readonly string[] },
  slackTeamId: string,
  departed: string,
  report: DepartureReport,
): Promise<void> {
  for (const { title, to } of report.promoted) {
    await deps.slack.chat.postMessage({
      channel: to,
      text: `<@${departed}> has left the workspace, so you, their backup, are now the DRI of *${title}*.`,
    });
  }
  if (report.unassigned.length === 0) return;
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  const adminChannelId = workspace ? settingsOf(workspace).adminChannelId : undefined;
  const notice = unassignedNotice(report.unassigned, `since <@${departed}> left the workspace`);
  for (const channel of adminChannelId ? [adminChannelId] : deps.adminUserIds) {
    await deps.slack.chat.postMessage({ channel, ...notice });
  }
}
