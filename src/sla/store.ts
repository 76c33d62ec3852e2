// Prisma queries of the speed-to-lead watch: what a workspace's SLA clock needs (settings,
// holidays, people's timezones), and the watch rows themselves.
import { IANAZone } from "luxon";
import type { Db } from "../db/client.js";
import { settingsOf, type WorkspaceSettings } from "../workspaces/settings.js";
import type { WorkingCalendar } from "./clock.js";
import { workingHoursOf } from "./rules.js";

export interface SlaContext {
  slackTeamId: string;
  settings: WorkspaceSettings;
  timezone: string;
  holidays: ReadonlySet<string>;
}

export async function loadSlaContext(db: Db, slackTeamId: string): Promise<SlaContext | null> {
  const workspace = await db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) return null;
  const holidays = await db.holiday.findMany({ where: { slackTeamId }, select: { date: true } });
  return {
    slackTeamId,
    settings: settingsOf(workspace),
    timezone: workspace.timezone,
    holidays: new Set(holidays.map((h) => h.date)),
  };
}

/** The clock of a lead's owner: the workspace's hours and holidays in the owner's timezone. */
export function calendarOf(context: SlaContext, ownerTimezone: string | null): WorkingCalendar {
  return {
    hours: workingHoursOf(context.settings),
    timezone:
      ownerTimezone && IANAZone.isValidZone(ownerTimezone) ? ownerTimezone : context.timezone,
    holidays: context.holidays,
  };
}

export interface OwnerPerson {
  slackUserId: string;
  timezone: string | null;
  managerSlackUserId: string | null;
  active: boolean;
}

/** The people behind leads' owner values (a Slack user id or an email), keyed by that value. */
export async function ownersOf(
  db: Db,
  slackTeamId: string,
  owners: Iterable<string | null>,
): Promise<Map<string, OwnerPerson>> {
  const values = [...new Set([...owners].filter((o): o is string => Boolean(o)))];
  if (values.length === 0) return new Map();
  const emails = [...new Set(values.flatMap((v) => (v.includes("@") ? [v, v.toLowerCase()] : [])))];
  const people = await db.person.findMany({
    where: {
      slackTeamId,
      OR: [{ slackUserId: { in: values } }, ...(emails.length ? [{ email: { in: emails } }] : [])],
    },
    select: {
      slackUserId: true,
      email: true,
      timezone: true,
      managerSlackUserId: true,
      active: true,
    },
  });
  const byKey = new Map<string, OwnerPerson>();
  for (const person of people) {
    byKey.set(person.slackUserId, person);
    if (person.email) byKey.set(person.email.toLowerCase(), person);
  }
  return new Map(
    values.flatMap((value) => {
      const person = byKey.get(value) ?? byKey.get(value.toLowerCase());
      return person ? [[value, person]] : [];
    }),
  );
}

/** The managers an admin set per team, keyed by the team's name lowercased. */
export async function teamManagers(db: Db, slackTeamId: string): Promise<Map<string, string>> {
  const teams = await db.salesTeam.findMany({ where: { slackTeamId } });
  return new Map(teams.map((t) => [t.key, t.managerSlackUserId]));
}

export const teamKey = (team: string) => team.trim().toLowerCase();
