// Use cases for cadences: the standard set for a new workspace, and the changes people make.
// Listeners and the CLI call these; they know nothing of Slack's payloads.
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import {
  DEFAULT_ESCALATION_GRACE_MINUTES,
  DEFAULT_REMINDER_OFFSETS_MINUTES,
  KIND_DEFINITIONS,
  STANDARD_KINDS,
} from "./kinds.js";
import { updateSettings } from "../workspaces/settings.js";
import {
  firstDueAt,
  canChangeCadence,
  isCadenceAdmin,
  planDeparture,
  matchCadence,
  type Actor,
  type CadenceMatch,
} from "./rules.js";
import { changeRole, listCadences, loadSchedule, recurrenceOf, type CadenceRow } from "./store.js";
import { plainSchedule } from "./schedule.js";
import { refuse, type Refusal, type Result } from "../refusals.js";
import { titleText } from "./views.js";

export interface CadenceDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  /** Called after any change that moves a due date, so the scheduler re-reads it. */
  onScheduleChanged(): void;
}

/** Gives a workspace the six standard cadences, without DRIs, the first time it is seen. */
export async function ensureStandardCadences(
  deps: Pick<CadenceDeps, "db" | "clock">,
  slackTeamId: string,
  timezone: string,
): Promise<CadenceRow[]> {
  const existing = new Set((await listCadences(deps.db, slackTeamId)).map((c) => c.kind));
  const now = deps.clock.now();
  const created: CadenceRow[] = [];
  for (const kind of STANDARD_KINDS.filter((k) => !existing.has(k))) {
    const definition = KIND_DEFINITIONS[kind];
    // Replicas starting together may race here: the unique title decides, quietly.
    const cadence = await deps.db.cadence
      .create({
        data: {
          slackTeamId,
          kind,
          title: definition.title,
          recurrence: definition.recurrence,
          timezone,
          reminderOffsetsMinutes: DEFAULT_REMINDER_OFFSETS_MINUTES,
          escalationGraceMinutes: DEFAULT_ESCALATION_GRACE_MINUTES,
          nextDueAt: firstDueAt(plainSchedule(definition.recurrence, timezone), now, null),
          unassignedSince: now,
        },
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) return null;
        throw error;
      });
    if (cadence) created.push(cadence);
  }
  return created;
}

/** A change made, or why not; an ambiguous name carries the cadences it could mean. */
export type CadenceChange =
  { ok: true; cadence: CadenceRow; message: string } | (Refusal & { candidates?: CadenceRow[] });

export async function findCadence(
  db: Db,
  slackTeamId: string,
  name: string,
): Promise<CadenceMatch<CadenceRow>> {
  return matchCadence(await listCadences(db, slackTeamId), name);
}

function unresolved(match: CadenceMatch<CadenceRow>, name: string): CadenceChange | null {
  if (match.kind === "none") return refuse("no-cadence", { name });
  if (match.kind === "ambiguous") {
    const titles = match.candidates.map((c) => c.title);
    return { ...refuse("ambiguous", { name, titles }), candidates: match.candidates };
  }
  return null;
}

const refusal = (cadence: CadenceRow): CadenceChange =>
  refuse("not-cadence-owner", { title: cadence.title, dri: cadence.driSlackUserId });

/** A cadence as people name it ("funnel"), or by id (from a button). */
export type CadenceRef = string | { id: string };

async function resolveCadence(
  db: Db,
  slackTeamId: string,
  ref: CadenceRef,
): Promise<CadenceMatch<CadenceRow>> {
  if (typeof ref === "string") return findCadence(db, slackTeamId, ref);
  const cadence = await db.cadence.findFirst({ where: { id: ref.id, slackTeamId } });
  return cadence ? { kind: "found", cadence } : { kind: "none" };
}

async function withChangeableCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  ref: CadenceRef,
  change: (cadence: CadenceRow) => Promise<CadenceChange>,
): Promise<CadenceChange> {
  const name = typeof ref === "string" ? ref : "that cadence";
  const match = await resolveCadence(deps.db, slackTeamId, ref);
  const problem = unresolved(match, name);
  if (problem || match.kind !== "found") return problem!;
  if (!canChangeCadence(actor, deps.adminUserIds, match.cadence)) return refusal(match.cadence);
  const result = await change(match.cadence);
  deps.onScheduleChanged();
  return result;
}

export function assignDri(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  name: CadenceRef,
  to: string,
  reason = "assigned",
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, name, async (cadence) => {
    if (cadence.driSlackUserId === to)
      return { ok: true, cadence, message: `<@${to}> already owns ${titleText(cadence.title)}.` };
    const updated = await changeRole(
      deps.db,
      {
        cadenceId: cadence.id,
        role: "dri",
        from: cadence.driSlackUserId,
        to,
        changedBy: actor.slackUserId,
        reason,
        at: deps.clock.now(),
      },
      { clearBackup: cadence.backupSlackUserId === to },
    );
    return {
      ok: true,
      cadence: updated,
      message: `<@${to}> is now the DRI of ${titleText(cadence.title)}${cadence.driSlackUserId ? ` (was <@${cadence.driSlackUserId}>)` : ""}.`,
    };
  });
}

export function assignBackup(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  name: CadenceRef,
  to: string,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, name, async (cadence) => {
    if (cadence.driSlackUserId === to)
      return refuse("backup-is-dri", { person: to, title: cadence.title });
    const updated = await changeRole(deps.db, {
      cadenceId: cadence.id,
      role: "backup",
      from: cadence.backupSlackUserId,
      to,
      changedBy: actor.slackUserId,
      reason: "backup assigned",
      at: deps.clock.now(),
    });
    return {
      ok: true,
      cadence: updated,
      message: `<@${to}> is now the backup for ${titleText(cadence.title)}.`,
    };
  });
}

export function pauseCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  name: CadenceRef,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, name, async (cadence) => {
    if (!cadence.active)
      return { ok: true, cadence, message: `${titleText(cadence.title)} is already paused.` };
    const updated = await deps.db.cadence.update({
      where: { id: cadence.id },
      data: { active: false, nextDueAt: null },
    });
    return {
      ok: true,
      cadence: updated,
      message: `${titleText(cadence.title)} is paused: no posts or reminders until someone resumes it.`,
    };
  });
}

export function resumeCadence(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  name: CadenceRef,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, name, async (cadence) => {
    if (cadence.active)
      return { ok: true, cadence, message: `${titleText(cadence.title)} is already running.` };
    const now = deps.clock.now();
    const nextDueAt = firstDueAt(
      await loadSchedule(deps.db, cadence, now),
      now,
      cadence.lastCompletedAt,
    );
    const updated = await deps.db.cadence.update({
      where: { id: cadence.id },
      data: { active: true, nextDueAt },
    });
    return {
      ok: true,
      cadence: updated,
      message: `${titleText(cadence.title)} is running again.`,
    };
  });
}

/** Marks the cadence's latest occurrence done; a completion-based rule then counts from now. */
export function markDone(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  name: CadenceRef,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, name, async (cadence) => {
    const now = deps.clock.now();
    const latest = await deps.db.occurrence.findFirst({
      where: { cadenceId: cadence.id, status: { in: ["pending", "posted", "missed"] } },
      orderBy: { dueAt: "desc" },
    });
    if (latest)
      await deps.db.occurrence.update({
        where: { id: latest.id },
        data: { status: "done", doneAt: now, doneBySlackUserId: actor.slackUserId },
      });
    const recurrence = recurrenceOf(cadence);
    const nextDueAt =
      recurrence.kind === "after-completion" && cadence.active
        ? firstDueAt(await loadSchedule(deps.db, cadence, now), now, now)
        : cadence.nextDueAt;
    const updated = await deps.db.cadence.update({
      where: { id: cadence.id },
      data: { lastCompletedAt: now, nextDueAt },
    });
    return {
      ok: true,
      cadence: updated,
      message: `${titleText(cadence.title)} is marked done by <@${actor.slackUserId}>.`,
    };
  });
}

/** Moves everything one person holds (as DRI or backup) to another. */
export async function handover(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  from: string,
  to: string,
): Promise<Result<{ message: string; moved: string[] }>> {
  if (from === to) return refuse("handover-to-self");
  const held = (await listCadences(deps.db, slackTeamId)).filter(
    (c) => c.driSlackUserId === from || c.backupSlackUserId === from,
  );
  if (held.length === 0) return refuse("owns-nothing", { person: from });
  const isSelf = actor.slackUserId === from;
  if (!isSelf && !held.every((c) => canChangeCadence(actor, deps.adminUserIds, c))) {
    return refuse("not-handover-owner", { from });
  }
  const now = deps.clock.now();
  for (const cadence of held) {
    const role = cadence.driSlackUserId === from ? "dri" : "backup";
    await changeRole(
      deps.db,
      {
        cadenceId: cadence.id,
        role,
        from,
        to,
        changedBy: actor.slackUserId,
        reason: "handover",
        at: now,
      },
      { clearBackup: role === "dri" && cadence.backupSlackUserId === to },
    );
  }
  deps.onScheduleChanged();
  const titles = held.map((c) => titleText(c.title));
  return {
    ok: true,
    message: `Handed over ${titles.join(", ")} from <@${from}> to <@${to}>.`,
    moved: held.map((c) => c.id),
  };
}

export interface DepartureReport {
  /** Cadences whose backup became the DRI: [cadence title, new DRI]. */
  promoted: Array<{ title: string; to: string }>;
  /** Cadences left without a DRI. */
  unassigned: string[];
  /** Cadences that lost their backup. */
  backupCleared: string[];
}

/** A person left Slack: each cadence they owned moves to its backup, or becomes unassigned. */
export async function handOverDepartedPerson(
  deps: Pick<CadenceDeps, "db" | "clock" | "onScheduleChanged">,
  slackTeamId: string,
  departed: string,
): Promise<DepartureReport> {
  const held = (await listCadences(deps.db, slackTeamId)).filter(
    (c) => c.driSlackUserId === departed || c.backupSlackUserId === departed,
  );
  const report: DepartureReport = { promoted: [], unassigned: [], backupCleared: [] };
  if (held.length === 0) return report;
  const inactive = new Set(
    (
      await deps.db.person.findMany({
        where: { slackTeamId, active: false },
        select: { slackUserId: true },
      })
    ).map((p) => p.slackUserId),
  );
  const now = deps.clock.now();
  for (const move of planDeparture(departed, held, (id) => !inactive.has(id) && id !== departed)) {
    const cadence = held.find((c) => c.id === move.cadenceId)!;
    const reason = `${move.reason}: <@${departed}> left the workspace`;
    if (move.role === "dri") {
      await changeRole(
        deps.db,
        {
          cadenceId: cadence.id,
          role: "dri",
          from: departed,
          to: move.to,
          changedBy: null,
          reason,
          at: now,
        },
        { clearBackup: move.to !== null },
      );
      if (move.to) report.promoted.push({ title: cadence.title, to: move.to });
      else report.unassigned.push(cadence.title);
    } else {
      await changeRole(deps.db, {
        cadenceId: cadence.id,
        role: "backup",
        from: departed,
        to: null,
        changedBy: null,
        reason,
        at: now,
      });
      report.backupCleared.push(cadence.title);
    }
  }
  deps.onScheduleChanged();
  return report;
}

export function setCadenceChannel(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  ref: CadenceRef,
  channelId: string,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, ref, async (cadence) => {
    const updated = await deps.db.cadence.update({
      where: { id: cadence.id },
      data: { channelId },
    });
    return {
      ok: true,
      cadence: updated,
      message: `${titleText(cadence.title)} now posts in <#${channelId}>. Invite me there if it is private (\`/invite @Cadence\`).`,
    };
  });
}

/** Where escalations and unassigned-cadence notices go; only admins may set it. */
export async function setAdminChannel(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  channelId: string,
): Promise<Result<{ message: string }>> {
  if (!isCadenceAdmin(actor, deps.adminUserIds)) return refuse("not-admin-channel");
  await updateSettings(deps.db, slackTeamId, { adminChannelId: channelId });
  return {
    ok: true,
    message: `Escalations and cadences without a DRI will be announced in <#${channelId}>.`,
  };
}

/** How long after its due time an unfinished occurrence waits before it is escalated. */
export function setEscalationGrace(
  deps: CadenceDeps,
  slackTeamId: string,
  actor: Actor,
  ref: CadenceRef,
  hours: number,
): Promise<CadenceChange> {
  return withChangeableCadence(deps, slackTeamId, actor, ref, async (cadence) => {
    const updated = await deps.db.cadence.update({
      where: { id: cadence.id },
      data: { escalationGraceMinutes: Math.round(hours * 60) },
    });
    return {
      ok: true,
      cadence: updated,
      message: `${titleText(cadence.title)} is escalated ${hours} hour${hours === 1 ? "" : "s"} after it is due if nobody marks it done.`,
    };
  });
}
