// Use cases for a person away: set a range (for oneself, or an admin for anyone), end one early,
// and list them. The rules are in ./absences.ts; routing reminders while away is in ./notices.ts.
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { refuse, type Result } from "../refusals.js";
import { settingsOf } from "../workspaces/settings.js";
import { workspaceTimezone } from "../workspaces/store.js";
import {
  checkAbsenceRange,
  coverFor,
  firstAwayInstant,
  isOpen,
  rangeToEnd,
  type AbsenceRange,
  type Cover,
} from "./absences.js";
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
  return localDate(deps.clock.now(), await workspaceTimezone(deps.db, slackTeamId, "UTC"));
}

/** A person's ranges that still count (not ended early, not over), soonest first. */
export async function openAbsences(
  db: Db | Tx,
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

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Makes sure `person` has a Person row, so there is a row to lock. One made here is named by its
 * id, as ../workspaces/rules.ts names someone Slack gives no name; the next look-up of the person
 * (../workspaces/service.ts) fills in what Slack says.
 */
async function ensurePersonRow(deps: AbsenceDeps, slackTeamId: string, slackUserId: string) {
  const key = { slackTeamId_slackUserId: { slackTeamId, slackUserId } };
  if (await deps.db.person.findUnique({ where: key, select: { slackUserId: true } })) return;
  try {
    await deps.db.person.create({ data: { slackTeamId, slackUserId, name: slackUserId } });
  } catch (error) {
    // Made meanwhile by another request: there is a row to lock, which is all this is for.
    if (!isUniqueViolation(error)) throw error;
  }
}

/**
 * Takes the person's lock until the transaction ends: an UPDATE of their Person row holds that
 * row's lock on PostgreSQL and the database's write lock on SQLite, so two requests for the same
 * person (even on two replicas) check for overlaps and insert one after the other.
 */
async function lockPerson(tx: Tx, slackTeamId: string, slackUserId: string, now: Date) {
  await tx.person.update({
    where: { slackTeamId_slackUserId: { slackTeamId, slackUserId } },
    data: { updatedAt: now },
  });
}

interface CoverGroup {
  cover: Cover;
  /** For nobody: the backup who is away too, if the cadences have one. */
  awayBackup: string | null;
  titles: string[];
}

/** Who covers each of `person`'s cadences while the range runs, grouped by who it is. */
async function coverOfOwned(
  deps: AbsenceDeps,
  slackTeamId: string,
  absence: AbsenceRange,
  today: string,
): Promise<CoverGroup[]> {
  const owned = await deps.db.cadence.findMany({
    where: { slackTeamId, archivedAt: null, driSlackUserId: absence.slackUserId },
    orderBy: { title: "asc" },
  });
  if (owned.length === 0) return [];
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  const timezone = workspace?.timezone ?? "UTC";
  const adminChannelId = workspace ? settingsOf(workspace).adminChannelId : undefined;
  const absences = await openAbsences(deps.db, slackTeamId, today);
  // Read when the range begins (now, when it already has), as the reminders will be.
  const at = firstAwayInstant(absence, timezone, deps.clock.now());
  const groups = new Map<string, CoverGroup>();
  for (const cadence of owned) {
    const cover = coverFor(cadence, absences, at, timezone, adminChannelId);
    const awayBackup =
      cover.kind === "nobody" && cadence.backupSlackUserId !== absence.slackUserId
        ? cadence.backupSlackUserId
        : null;
    const key = cover.kind === "nobody" ? `nobody:${awayBackup ?? ""}` : `to:${cover.target}`;
    const group = groups.get(key) ?? { cover, awayBackup, titles: [] };
    group.titles.push(titleText(cadence.title));
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * What the confirmation says of cover: only where reminders will really go, and for cadences
 * nobody can cover, that they keep coming to the DRI and how to change that.
 */
function coverSentences(groups: readonly CoverGroup[], dri: string): string {
  const covered = groups.flatMap(({ cover, titles }) =>
    cover.kind === "nobody"
      ? []
      : [
          `for ${titles.join(", ")} go to ${cover.kind === "person" ? `<@${cover.target}>` : `the admin channel <#${cover.target}>`}`,
        ],
  );
  const sentences = covered.length
    ? [`Meanwhile reminders and escalations ${covered.join("; ")}.`]
    : [];
  for (const { cover, awayBackup, titles } of groups) {
    if (cover.kind !== "nobody") continue;
    const list = titles.join(", ");
    const why = awayBackup
      ? `${list}: the backup <@${awayBackup}> is away too and there is no admin channel, so`
      : `${list} ${titles.length === 1 ? "has" : "have"} no backup and there is no admin channel:`;
    sentences.push(
      `${why} reminders keep coming to ${dri}. Set a backup with \`/cadence backup <cadence> @person\` or an admin channel with \`/cadence admin-channel #channel\`.`,
    );
  }
  return sentences.map((sentence) => ` ${sentence}`).join("");
}

/** Sets `person` away from `from` to `to` (inclusive, "YYYY-MM-DD", "today" or "tomorrow"). */
export async function setAway(
  deps: AbsenceDeps,
  slackTeamId: string,
  actor: Actor,
  input: { person: string; from: string; to: string },
): Promise<Result<{ message: string; absence: AbsenceRange }>> {
  if (!mayManage(deps, actor, input.person))
    return refuse("not-admin-away", { person: input.person });
  const today = await workspaceToday(deps, slackTeamId);
  const now = deps.clock.now();
  await ensurePersonRow(deps, slackTeamId, input.person);
  // The overlap check and the insert under the person's lock, reading their ranges afresh:
  // otherwise ranges sent at the same moment would each pass the check and all be stored.
  const stored = await deps.db.$transaction(async (tx) => {
    await lockPerson(tx, slackTeamId, input.person, now);
    const checked = checkAbsenceRange(
      { slackUserId: input.person, from: input.from, to: input.to },
      today,
      await openAbsences(tx, slackTeamId, today, input.person),
    );
    if (!checked.ok) return checked;
    const absence = await tx.absence.create({
      data: {
        slackTeamId,
        slackUserId: input.person,
        startsOn: checked.startsOn,
        endsOn: checked.endsOn,
        createdBySlackUserId: actor.slackUserId,
        createdAt: now,
      },
    });
    return { ok: true as const, absence };
  });
  if (!stored.ok) return stored;
  const { absence } = stored;
  const self = actor.slackUserId === input.person;
  const who = self ? "You are" : `<@${input.person}> is`;
  const range =
    absence.startsOn === absence.endsOn
      ? `on ${absence.startsOn}`
      : `from ${absence.startsOn} to ${absence.endsOn}`;
  const cover = coverSentences(
    await coverOfOwned(deps, slackTeamId, absence, today),
    self ? "you" : `<@${input.person}>`,
  );
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
  const today = await workspaceToday(deps, slackTeamId);
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
  const self = actor.slackUserId === person;
  const who = self ? "You are" : `<@${person}> is`;
  // Ranges still set (ranges stored before overlaps were refused may overlap): say which, and
  // promise reminders back only when none of them keeps the person away today.
  const left = await openAbsences(deps.db, slackTeamId, today, person);
  const stillAway = left.some((r) => r.startsOn <= today);
  const whatEnded =
    range.startsOn > today
      ? `${who} no longer away from ${range.startsOn} to ${range.endsOn}.`
      : stillAway
        ? `The away range ${range.startsOn} to ${range.endsOn} ended early.`
        : `${who} back: the away range ${range.startsOn} to ${range.endsOn} ended early, and reminders go to ${self ? "you" : `<@${person}>`} again.`;
  let rest = "";
  if (left.length) {
    const dates = left.map((r) => `from ${r.startsOn} to ${r.endsOn}`).join(", and ");
    const subject = stillAway
      ? `${who} still away`
      : self
        ? "You still have away dates"
        : `<@${person}> still has away dates`;
    rest = ` ${subject} ${dates}: \`/cadence away end${self ? "" : ` <@${person}>`}\` ends the next.`;
  }
  return { ok: true, absence: { ...range, endedAt: deps.clock.now() }, message: whatEnded + rest };
}

/** The ranges a person sees: their own, and for admins everyone's. */
export async function visibleAbsences(
  deps: AbsenceDeps,
  slackTeamId: string,
  actor: Actor,
): Promise<{ today: string; absences: AbsenceRange[]; everyone: boolean }> {
  const today = await workspaceToday(deps, slackTeamId);
  const everyone = isCadenceAdmin(actor, deps.adminUserIds);
  const absences = await openAbsences(
    deps.db,
    slackTeamId,
    today,
    everyone ? undefined : actor.slackUserId,
  );
  return { today, absences, everyone };
}
