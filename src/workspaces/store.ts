// Prisma queries for workspaces and people.
import type { Db } from "../db/client.js";
import type { PersonProfile } from "./rules.js";

export interface WorkspaceIdentity {
  slackTeamId: string;
  name: string;
  botUserId: string;
}

/** Creates the workspace on first sight; later only its name and bot user follow Slack. */
export function upsertWorkspace(db: Db, identity: WorkspaceIdentity, defaultTimezone: string) {
  return db.workspace.upsert({
    where: { slackTeamId: identity.slackTeamId },
    create: { ...identity, timezone: defaultTimezone, settings: {} },
    update: { name: identity.name, botUserId: identity.botUserId },
  });
}

export function findWorkspace(db: Db, slackTeamId: string) {
  return db.workspace.findUnique({ where: { slackTeamId } });
}

/** The workspace's timezone, or `fallback` for a workspace not seen yet. */
export async function workspaceTimezone(
  db: Db,
  slackTeamId: string,
  fallback: string,
): Promise<string> {
  return (await findWorkspace(db, slackTeamId))?.timezone ?? fallback;
}

export function upsertPerson(db: Db, slackTeamId: string, profile: PersonProfile, now: Date) {
  const deactivatedAt = profile.active ? null : now;
  return db.person.upsert({
    where: { slackTeamId_slackUserId: { slackTeamId, slackUserId: profile.slackUserId } },
    create: { slackTeamId, ...profile, deactivatedAt },
    update: { ...profile, deactivatedAt },
  });
}

export function findPerson(db: Db, slackTeamId: string, slackUserId: string) {
  return db.person.findUnique({ where: { slackTeamId_slackUserId: { slackTeamId, slackUserId } } });
}
