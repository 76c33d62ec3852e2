// The scheduler's other duties: reminding DRIs before an occurrence, escalating one left undone,
// and telling the admin channel every day which cadences have no DRI. Each is delivered once,
// side by side through the replica's pool, so one slow Slack call does not hold up the others.
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { workFinished } from "../scheduler/claims.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import type { DepartureReport } from "./service.js";
import { settingsOf } from "../workspaces/settings.js";
import { IANAZone } from "luxon";
import {
  coverFor,
  coverPhase,
  escalationRecipients,
  firstAwayInstant,
  reminderRecipient,
  type AbsenceRange,
  type Cover,
} from "./absences.js";
import { dueReminderOffset, escalationDueAt, localDay } from "./rules.js";
import { reminderOffsetsOf } from "./store.js";
import { tellUndeliverable } from "./undeliverable.js";
import {
  coverNotice,
  escalationMessage,
  reminderMessage,
  titleText,
  unassignedNotice,
} from "./views.js";

/** The furthest ahead a reminder can be (a week), bounding the query. */
const MAX_REMINDER_HORIZON_MS = 7 * 24 * 3_600_000;

/** How long after a range is over its absence still matters (its "cover ends" notice). */
const ABSENCE_AFTERMATH_MS = 8 * 24 * 3_600_000;

/** The away ranges of some workspaces that are running, to come, or over within a week. */
async function absencesAround(
  db: Db,
  slackTeamIds: readonly string[],
  now: Date,
): Promise<Map<string, AbsenceRange[]>> {
  const byTeam = new Map<string, AbsenceRange[]>(slackTeamIds.map((team) => [team, []]));
  if (slackTeamIds.length === 0) return byTeam;
  const since = new Date(now.getTime() - ABSENCE_AFTERMATH_MS);
  const rows = await db.absence.findMany({
    where: {
      slackTeamId: { in: [...slackTeamIds] },
      endsOn: { gte: since.toISOString().slice(0, 10) },
      OR: [{ endedAt: null }, { endedAt: { gte: since } }],
    },
  });
  for (const row of rows) byTeam.get(row.slackTeamId)?.push(row);
  return byTeam;
}

/** The timezones people set in Slack, for showing them times in their own (key: team:user). */
async function personTimezones(
  db: Db,
  people: ReadonlyArray<{ slackTeamId: string; slackUserId: string }>,
): Promise<Map<string, string>> {
  if (people.length === 0) return new Map();
  const rows = await db.person.findMany({
    where: {
      slackTeamId: { in: [...new Set(people.map((p) => p.slackTeamId))] },
      slackUserId: { in: [...new Set(people.map((p) => p.slackUserId))] },
      timezone: { not: null },
    },
    select: { slackTeamId: true, slackUserId: true, timezone: true },
  });
  return new Map(
    rows
      .filter((r) => r.timezone && IANAZone.isValidZone(r.timezone))
      .map((r) => [`${r.slackTeamId}:${r.slackUserId}`, r.timezone!]),
  );
}

/**
 * Reminds each DRI of an upcoming occurrence by DM, the due time in their own timezone. While the
 * DRI is away (./absences.ts) the reminder goes to whoever covers, saying so.
 */
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
  const due = upcoming.flatMap((cadence) => {
    const offset = dueReminderOffset(reminderOffsetsOf(cadence), cadence.nextDueAt!, now);
    return offset === null ? [] : [{ cadence, offset }];
  });
  const absences = await absencesAround(
    deps.db,
    [...new Set(due.map((d) => d.cadence.slackTeamId))],
    now,
  );
  const routed = due.map(({ cadence, offset }) => ({
    cadence,
    offset,
    recipient: reminderRecipient(
      cadence,
      absences.get(cadence.slackTeamId) ?? [],
      now,
      cadence.workspace.timezone,
      settingsOf(cadence.workspace).adminChannelId,
    ),
  }));
  const zones = await personTimezones(
    deps.db,
    routed.flatMap(({ cadence, recipient }) =>
      recipient?.kind === "person"
        ? [{ slackTeamId: cadence.slackTeamId, slackUserId: recipient.target }]
        : [],
    ),
  );
  const outcomes = await Promise.all(
    routed.map(async ({ cadence, offset, recipient }) => {
      const dueAt = cadence.nextDueAt!;
      if (!recipient) {
        deps.logger.warn(
          { cadenceId: cadence.id, dri: cadence.driSlackUserId },
          "the cadence has no DRI: no reminder sent",
        );
        return null;
      }
      return deliverOnce(deps, {
        key: `remind:${cadence.id}:${dueAt.toISOString()}:${offset}`,
        slackTeamId: cadence.slackTeamId,
        target: recipient.target,
        message: () =>
          Promise.resolve(
            reminderMessage({
              cadenceId: cadence.id,
              title: cadence.title,
              dueAt,
              timezone: cadence.timezone,
              displayTimezone: zones.get(`${cadence.slackTeamId}:${recipient.target}`),
              offsetMinutes: offset,
              covering: recipient.coveringFor
                ? {
                    dri: recipient.coveringFor,
                    to: recipient.kind === "admin-channel" ? "admin-channel" : "person",
                  }
                : null,
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
 * Escalates each occurrence left undone past its grace period to the backup (the admin channel
 * instead while the backup is away) and the admin channel; it is marked escalated only once every
 * escalation was delivered (or given up and people told), so a failed one is retried later.
 */
export async function escalateOverdueOccurrences(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const candidates = (await overdueOccurrences(deps, now)).filter(
    (o) => escalationDueAt(o.dueAt, o.cadence.escalationGraceMinutes) <= now,
  );
  const absences = await absencesAround(
    deps.db,
    [...new Set(candidates.map((o) => o.cadence.slackTeamId))],
    now,
  );
  const escalated = await Promise.all(
    candidates.map((occurrence) =>
      escalate(deps, occurrence, absences.get(occurrence.cadence.slackTeamId) ?? []),
    ),
  );
  return escalated.filter(Boolean).length;
}

type OverdueOccurrence = Awaited<ReturnType<typeof overdueOccurrences>>[number];

function overdueOccurrences(deps: DeliveryDeps, now: Date) {
  return deps.db.occurrence.findMany({
    where: {
      status: "posted",
      escalatedAt: null,
      dueAt: { lte: now },
      // An archived cadence asks nothing more of anyone; a paused one still owes what was posted.
      cadence: { archivedAt: null },
    },
    include: { cadence: { include: { workspace: true } } },
    take: 500,
  });
}

async function escalate(
  deps: DeliveryDeps,
  occurrence: OverdueOccurrence,
  absences: readonly AbsenceRange[],
): Promise<boolean> {
  const { cadence } = occurrence;
  const message = () => Promise.resolve(escalationMessage({ ...cadence, dueAt: occurrence.dueAt }));
  const targets = escalationRecipients(
    cadence,
    absences,
    deps.clock.now(),
    cadence.workspace.timezone,
    settingsOf(cadence.workspace).adminChannelId,
  );
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
        slackTeamId: cadence.slackTeamId,
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
        slackTeamId: workspace.slackTeamId,
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

/**
 * Tells whoever covers for an away DRI, once when the range begins ("you are covering for …")
 * and once when it is over or ended early; with no backup (or one away too) the admin channel
 * hears it. Keyed by range and recipient, so each is sent exactly once across replicas.
 */
export async function sendCoverNotices(deps: DeliveryDeps): Promise<number> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - ABSENCE_AFTERMATH_MS);
  const candidates = await deps.db.absence.findMany({
    where: {
      endsOn: { gte: since.toISOString().slice(0, 10) },
      OR: [{ endedAt: null }, { endedAt: { gte: since } }],
    },
    include: { workspace: true },
    take: 1_000,
  });
  const phased = candidates.flatMap((absence) => {
    const phase = coverPhase(absence, now, absence.workspace.timezone);
    return phase ? [{ absence, phase }] : [];
  });
  if (phased.length === 0) return 0;
  const teams = [...new Set(phased.map((p) => p.absence.slackTeamId))];
  const [absences, owned] = await Promise.all([
    absencesAround(deps.db, teams, now),
    deps.db.cadence.findMany({
      where: {
        slackTeamId: { in: teams },
        active: true,
        archivedAt: null,
        driSlackUserId: { in: [...new Set(phased.map((p) => p.absence.slackUserId))] },
      },
      orderBy: { title: "asc" },
    }),
  ]);
  const deliveries = phased.flatMap(({ absence, phase }) => {
    const timezone = absence.workspace.timezone;
    const adminChannelId = settingsOf(absence.workspace).adminChannelId;
    // The end goes to whoever heard the start: who covered is read when the range began.
    const at = phase === "start" ? now : firstAwayInstant(absence, timezone, absence.createdAt);
    const byTarget = new Map<string, { cover: Cover; titles: string[] }>();
    for (const cadence of owned) {
      if (cadence.slackTeamId !== absence.slackTeamId) continue;
      if (cadence.driSlackUserId !== absence.slackUserId) continue;
      const cover = coverFor(
        cadence,
        absences.get(absence.slackTeamId) ?? [],
        at,
        timezone,
        adminChannelId,
      );
      if (cover.kind === "nobody") {
        deps.logger.warn(
          { cadenceId: cadence.id, absenceId: absence.id },
          "the DRI is away and neither a backup nor an admin channel covers",
        );
        continue;
      }
      const entry = byTarget.get(cover.target) ?? { cover, titles: [] };
      entry.titles.push(cadence.title);
      byTarget.set(cover.target, entry);
    }
    return [...byTarget.entries()].map(([target, { cover, titles }]) => ({
      key: `cover-${phase}:${absence.id}:${target}`,
      slackTeamId: absence.slackTeamId,
      target,
      notice: coverNotice({
        phase,
        dri: absence.slackUserId,
        endsOn: absence.endsOn,
        to: cover.kind === "admin-channel" ? "admin-channel" : "person",
        titles,
      }),
    }));
  });
  const outcomes = await Promise.all(
    deliveries.map(({ key, slackTeamId, target, notice }) =>
      deliverOnce(deps, {
        key,
        slackTeamId,
        target,
        message: () => Promise.resolve(notice),
        onDelivered: () => Promise.resolve(),
      }),
    ),
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
