// Prisma queries for workspaces and people.
import type { Db } from "../db/client.js";
import type { PersonProfile } from "./rules.js";

export interface WorkspaceIdentity {
  slackTeamId: string;
  name: string;
  botUserId: string;
  /** The Enterprise Grid org, for a workspace of one. */
  enterpriseId?: string | null;
}

/**
 * Creates the workspace on first sight; later only its name, bot user and org follow Slack. Seen
 * installed again, an uninstalled workspace resumes where it stopped.
 */
export function upsertWorkspace(db: Db, identity: WorkspaceIdentity, defaultTimezone: string) {
  const { enterpriseId, ...rest } = identity;
  return db.workspace.upsert({
    where: { slackTeamId: identity.slackTeamId },
    create: {
      ...rest,
      enterpriseId: enterpriseId ?? null,
      timezone: defaultTimezone,
      settings: {},
    },
    update: {
      name: identity.name,
      botUserId: identity.botUserId,
      ...(enterpriseId ? { enterpriseId } : {}),
      uninstalledAt: null,
    },
  });
}

/** The workspace, or every workspace of an org for an org-wide install, stops as uninstalled. */
export function markUninstalled(
  db: Db,
  which: { slackTeamId: string } | { enterpriseId: string; except: string[] },
  now: Date,
) {
  const where =
    "slackTeamId" in which
      ? { slackTeamId: which.slackTeamId }
      : { enterpriseId: which.enterpriseId, slackTeamId: { notIn: which.except } };
  return db.workspace.updateMany({
    where: { ...where, uninstalledAt: null },
    data: { uninstalledAt: now },
  });
}

/** An org-wide install again: its workspaces resume. */
export function markOrgInstalled(db: Db, enterpriseId: string) {
  return db.workspace.updateMany({ where: { enterpriseId }, data: { uninstalledAt: null } });
}

export function listWorkspaces(db: Db) {
  return db.workspace.findMany({ orderBy: { slackTeamId: "asc" } });
}

/** Deletes a workspace and, by cascade, everything stored for it. */
export async function deleteWorkspace(db: Db, slackTeamId: string): Promise<boolean> {
  const { count } = await db.workspace.deleteMany({ where: { slackTeamId } });
  return count > 0;
}

/** Workspaces uninstalled before `before`, whose retention has run out. */
export function workspacesUninstalledBefore(db: Db, before: Date) {
  return db.workspace.findMany({
    where: { uninstalledAt: { lt: before } },
    select: { slackTeamId: true, name: true, uninstalledAt: true },
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
