// The scheduler's other duties: reminding DRIs before an occurrence, escalating one left undone,
// and telling the admin channel every day which cadences have no DRI. Each is delivered once,
// side by side through the replica's pool, so one slow Slack call does not hold up the others.
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { workFinished } from "../scheduler/claims.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import type { DepartureReport } from "./service.js";
import { settingsOf } from "../workspaces/settings.js";
import { dueReminderOffset, escalationDueAt, localDay } from "./rules.js";
import { reminderOffsetsOf } from "./store.js";
import { tellUndeliverable } from "./undeliverable.js";
import { escalationMessage, reminderMessage, titleText, unassignedNotice } from "./views.js";

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
    include: { workspace: true },
  });
  const outcomes = await Promise.all(
    upcoming.map(async (cadence) => {
      const dueAt = cadence.nextDueAt!;
      const offset = dueReminderOffset(reminderOffsetsOf(cadence), dueAt, now);
      if (offset === null) return null;
      return deliverOnce(deps, {
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
        onGaveUp: (failure) => tellUndeliverable(deps, cadence, failure, "a reminder"),
      });
    }),
  );
  return outcomes.filter((outcome) => outcome === "delivered").length;
}

/**
 * Escalates each occurrence left undone past its grace period to the backup and the admin
 * channel; it is marked escalated only once every escalation was delivered (or given up and
 * people told), so a failed one is retried on a later sweep.
 */
export async function escalateOverdueOccurrences(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const candidates = await overdueOccurrences(deps, now);
  const escalated = await Promise.all(
    candidates
      .filter((o) => escalationDueAt(o.dueAt, o.cadence.escalationGraceMinutes) <= now)
      .map((occurrence) => escalate(deps, occurrence)),
  );
  return escalated.filter(Boolean).length;
}

type OverdueOccurrence = Awaited<ReturnType<typeof overdueOccurrences>>[number];

function overdueOccurrences(deps: DeliveryDeps, now: Date) {
  return deps.db.occurrence.findMany({
    where: { status: "posted", escalatedAt: null, dueAt: { lte: now } },
    include: { cadence: { include: { workspace: true } } },
    take: 500,
  });
}

async function escalate(deps: DeliveryDeps, occurrence: OverdueOccurrence): Promise<boolean> {
  const { cadence } = occurrence;
  const message = () => Promise.resolve(escalationMessage({ ...cadence, dueAt: occurrence.dueAt }));
  const targets = [
    ...new Set([cadence.backupSlackUserId, settingsOf(cadence.workspace).adminChannelId]),
  ].filter((t): t is string => Boolean(t));
  if (targets.length === 0)
    deps.logger.warn(
      { cadenceId: cadence.id },
      "an overdue occurrence has no backup and no admin channel to escalate to",
    );
  const keys = targets.map((target) => `escalate:${occurrence.id}:${target}`);
  await Promise.all(
    targets.map((target, i) =>
      deliverOnce(deps, {
        key: keys[i]!,
        target,
        message,
        onDelivered: () => Promise.resolve(),
        onGaveUp: (failure) => tellUndeliverable(deps, cadence, failure, "an escalation"),
      }),
    ),
  );
  if (!(await workFinished(deps.db, keys))) return false;
  const marked = await deps.db.occurrence.updateMany({
    where: { id: occurrence.id, escalatedAt: null },
    data: { escalatedAt: deps.clock.now() },
  });
  return marked.count === 1;
}

/** Once a day (in the workspace's timezone), the admin channel hears which cadences have no DRI. */
export async function noticeUnassignedCadences(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const workspaces = await deps.db.workspace.findMany({
    include: { cadences: { where: { driSlackUserId: null, active: true } } },
  });
  const outcomes = await Promise.all(
    workspaces.map(async (workspace) => {
      const adminChannelId = settingsOf(workspace).adminChannelId;
      if (!adminChannelId || workspace.cadences.length === 0) return null;
      return deliverOnce(deps, {
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
    }),
  );
  return outcomes.filter((outcome) => outcome === "delivered").length;
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
      text: `<@${departed}> has left the workspace, so you, their backup, are now the DRI of ${titleText(title)}.`,
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
