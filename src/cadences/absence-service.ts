// Use cases for a person away: set a range (for oneself, or an admin for anyone), end one early,
// and list them. The rules are in ./absences.ts; routing reminders while away is in ./notices.ts.
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { checkAbsenceRange, isOpen, rangeToEnd, type AbsenceRange } from "./absences.js";
import { isCadenceAdmin, type Actor } from "./rules.js";
import { localDate } from "./schedule.js";
import { titleText } from "./views.js";

export interface AbsenceDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
}

/** The workspace's timezone, which away dates are read in; UTC for a workspace not yet seen. */
async function workspaceToday(deps: AbsenceDeps, slackTeamId: string) {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  const timezone = workspace?.timezone ?? "UTC";
  return { timezone, today: localDate(deps.clock.now(), timezone) };
}

/** A person's ranges that still count (not ended early, not over), soonest first. */
export async function openAbsences(
  db: Db,
  slackTeamId: string,
  today: string,
  slackUserId?: string,
): Promise<AbsenceRange[]> {
  return db.absence.findMany({
    where: {
      slackTeamId,
      endedAt: null,
      endsOn: { gte: today },
      ...(slackUserId ? { slackUserId } : {}),
    },
    orderBy: [{ startsOn: "asc" }, { slackUserId: "asc" }],
    take: 200,
  });
}

const mayManage = (deps: AbsenceDeps, actor: Actor, person: string) =>
  actor.slackUserId === person || isCadenceAdmin(actor, deps.adminUserIds);

/** Sets `person` away from `from` to `to` (inclusive, "YYYY-MM-DD", "today" or "tomorrow"). */
export async function setAway(
  deps: AbsenceDeps,
  slackTeamId: string,
  actor: Actor,
  input: { person: string; from: string; to: string },
): Promise<Result<{ message: string; absence: AbsenceRange }>> {
  if (!mayManage(deps, actor, input.person))
    return refuse("not-admin-away", { person: input.person });
  const { today } = await workspaceToday(deps, slackTeamId);
  const existing = await openAbsences(deps.db, slackTeamId, today, input.person);
  const checked = checkAbsenceRange(
    { slackUserId: input.person, from: input.from, to: input.to },
    today,
    existing,
  );
  if (!checked.ok) return checked;
  const absence = await deps.db.absence.create({
    data: {
      slackTeamId,
      slackUserId: input.person,
      startsOn: checked.startsOn,
      endsOn: checked.endsOn,
      createdBySlackUserId: actor.slackUserId,
      createdAt: deps.clock.now(),
    },
  });
  const owned = await deps.db.cadence.findMany({
    where: { slackTeamId, archivedAt: null, driSlackUserId: input.person },
    orderBy: { title: "asc" },
  });
  const who = actor.slackUserId === input.person ? "You are" : `<@${input.person}> is`;
  const range =
    absence.startsOn === absence.endsOn
      ? `on ${absence.startsOn}`
      : `from ${absence.startsOn} to ${absence.endsOn}`;
  const cover = owned.length
    ? ` Meanwhile reminders and escalations for ${owned
        .map(
          (c) =>
            `${titleText(c.title)} go to ${c.backupSlackUserId ? `<@${c.backupSlackUserId}>` : "the admin channel"}`,
        )
        .join(", ")}.`
    : "";
  return { ok: true, absence, message: `${who} away ${range}.${cover}` };
}

/**
 * Ends a range early: the one named by id (a Home tab button), else the person's current or next
 * one. Reminders go to them again from now.
 */
export async function endAway(
  deps: AbsenceDeps,
  slackTeamId: string,
  actor: Actor,
  which: { person: string } | { absenceId: string },
): Promise<Result<{ message: string; absence: AbsenceRange }>> {
  const { today } = await workspaceToday(deps, slackTeamId);
  const range =
    "absenceId" in which
      ? await deps.db.absence.findFirst({ where: { id: which.absenceId, slackTeamId } })
      : rangeToEnd(
          await openAbsences(deps.db, slackTeamId, today, which.person),
          which.person,
          today,
        );
  const person = "person" in which ? which.person : (range?.slackUserId ?? actor.slackUserId);
  if (!mayManage(deps, actor, person)) return refuse("not-admin-away", { person });
  if (!range || !isOpen(range, today)) return refuse("no-absence", { person });
  const ended = await deps.db.absence.updateMany({
    where: { id: range.id, endedAt: null },
    data: { endedAt: deps.clock.now() },
  });
  if (ended.count !== 1) return refuse("no-absence", { person });
  const who = actor.slackUserId === person ? "You are" : `<@${person}> is`;
  const message =
    range.startsOn > today
      ? `${who} no longer away from ${range.startsOn} to ${range.endsOn}.`
      : `${who} back: the away range ${range.startsOn} to ${range.endsOn} ended early, and reminders go to ${actor.slackUserId === person ? "you" : `<@${person}>`} again.`;
  return { ok: true, absence: { ...range, endedAt: deps.clock.now() }, message };
}

/** The ranges a person sees: their own, and for admins everyone's. */
export async function visibleAbsences(
  deps: AbsenceDeps,
  slackTeamId: string,
  actor: Actor,
): Promise<{ today: string; absences: AbsenceRange[]; everyone: boolean }> {
  const { today } = await workspaceToday(deps, slackTeamId);
  const everyone = isCadenceAdmin(actor, deps.adminUserIds);
  const absences = await openAbsences(
    deps.db,
    slackTeamId,
    today,
    everyone ? undefined : actor.slackUserId,
  );
  return { today, absences, everyone };
}
