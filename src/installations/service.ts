// What installing and uninstalling mean for workspaces, in both modes. An install records the
// workspace (or, org-wide, lets the org's workspaces resume) and sets up its standard cadences;
// an uninstall or a revocation deletes the tokens at once and stops the workspace's scheduled
// work, keeping its data WORKSPACE_RETENTION_DAYS for a reinstall; then it is purged.
import type { Installation } from "@slack/oauth";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { setUpWorkspaceCadences } from "../cadences/onboarding.js";
import type { SlackClients } from "../slack/clients.js";
import { recordWorkspace } from "../workspaces/service.js";
import {
  deleteWorkspace,
  findWorkspace,
  listWorkspaces,
  markOrgInstalled,
  markUninstalled,
  workspacesUninstalledBefore,
} from "../workspaces/store.js";
import { installationId } from "./store.js";

export interface InstallDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  clients: SlackClients;
  defaultTimezone: string;
}

/** After Slack's OAuth callback stored the installation: the workspace is ready for work. */
export async function installed(deps: InstallDeps, installation: Installation): Promise<void> {
  const enterpriseId = installation.enterprise?.id ?? null;
  if (installation.isEnterpriseInstall) {
    // Workspaces of the org arrive one by one, with their first request (workspaceArrived).
    if (enterpriseId) await markOrgInstalled(deps.db, enterpriseId);
    deps.logger.info({ enterpriseId }, "installed org-wide");
    return;
  }
  const team = installation.team;
  if (!team || !installation.bot) return;
  await recordWorkspace(
    deps.db,
    {
      slackTeamId: team.id,
      name: team.name ?? team.id,
      botUserId: installation.bot.userId,
      enterpriseId,
    },
    deps.defaultTimezone,
  );
  deps.logger.info({ slackTeamId: team.id, enterpriseId }, "installed in a workspace");
  await setUpCadences(deps, team.id, [installation.user.id]);
}

/**
 * A workspace of an org-wide install makes its first request (or is granted access): it gets its
 * own record and standard cadences, like a workspace installed on its own.
 */
export async function workspaceArrived(
  deps: InstallDeps,
  arrival: { slackTeamId: string; enterpriseId: string; botUserId: string; name?: string },
): Promise<void> {
  const known = await findWorkspace(deps.db, arrival.slackTeamId);
  if (known && !known.uninstalledAt) return;
  await recordWorkspace(
    deps.db,
    {
      slackTeamId: arrival.slackTeamId,
      name: arrival.name ?? known?.name ?? arrival.slackTeamId,
      botUserId: arrival.botUserId,
      enterpriseId: arrival.enterpriseId,
    },
    deps.defaultTimezone,
  );
  deps.logger.info(arrival, "a workspace of an org-wide install arrived");
  await setUpCadences(deps, arrival.slackTeamId, []);
}

async function setUpCadences(deps: InstallDeps, slackTeamId: string, admins: string[]) {
  const slack = await deps.clients.forWorkspace(slackTeamId);
  if (!slack) return;
  const timezone = (await findWorkspace(deps.db, slackTeamId))?.timezone ?? deps.defaultTimezone;
  await setUpWorkspaceCadences({ ...deps, slack, adminUserIds: admins }, slackTeamId, timezone);
}

export interface Uninstall {
  slackTeamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

/**
 * app_uninstalled, or tokens_revoked for the bot: the tokens go at once (an org-wide install's
 * for the whole org) and scheduled work for the workspace(s) stops. Returns how many stopped.
 */
export async function uninstalled(
  deps: Pick<InstallDeps, "db" | "clock" | "logger">,
  what: Uninstall,
) {
  const now = deps.clock.now();
  const orgWide = what.isEnterpriseInstall && what.enterpriseId;
  const id = (() => {
    try {
      return installationId({ ...what, teamId: what.slackTeamId });
    } catch {
      return null;
    }
  })();
  if (id) await deps.db.slackInstallation.deleteMany({ where: { id } });
  const { count } = orgWide
    ? await markUninstalled(
        deps.db,
        {
          enterpriseId: what.enterpriseId!,
          // A workspace of the org that also installed Cadence on its own keeps that install.
          except: (
            await deps.db.slackInstallation.findMany({
              where: { enterpriseId: what.enterpriseId, isEnterpriseInstall: false },
              select: { teamId: true },
            })
          ).flatMap((row) => (row.teamId ? [row.teamId] : [])),
        },
        now,
      )
    : what.slackTeamId
      ? await markUninstalled(deps.db, { slackTeamId: what.slackTeamId }, now)
      : { count: 0 };
  deps.logger.info({ ...what, workspaces: count }, "uninstalled: tokens deleted, work stopped");
  return count;
}

/** The scheduler's duty: workspaces uninstalled longer than the retention are deleted. */
export async function purgeExpiredWorkspaces(
  deps: Pick<InstallDeps, "db" | "clock" | "logger">,
  retentionMs: number,
): Promise<string[]> {
  const before = new Date(deps.clock.now().getTime() - retentionMs);
  const expired = await workspacesUninstalledBefore(deps.db, before);
  const purged: string[] = [];
  for (const workspace of expired) {
    if (await deleteWorkspace(deps.db, workspace.slackTeamId)) purged.push(workspace.slackTeamId);
  }
  if (purged.length)
    deps.logger.info({ purged }, "purged workspaces uninstalled longer than the retention");
  return purged;
}

export interface WorkspaceState {
  slackTeamId: string;
  name: string;
  enterpriseId: string | null;
  uninstalledAt: Date | null;
  /** When the scheduler purges it (uninstalled workspaces only). */
  purgeAt: Date | null;
}

/** For `cadence workspace list`: every workspace, installed or waiting to be purged. */
export async function workspaceStates(db: Db, retentionMs: number): Promise<WorkspaceState[]> {
  return (await listWorkspaces(db)).map((workspace) => ({
    slackTeamId: workspace.slackTeamId,
    name: workspace.name,
    enterpriseId: workspace.enterpriseId,
    uninstalledAt: workspace.uninstalledAt,
    purgeAt: workspace.uninstalledAt
      ? new Date(workspace.uninstalledAt.getTime() + retentionMs)
      : null,
  }));
}

export type PurgeResult = { ok: true } | { ok: false; message: string };

/** `cadence workspace purge`: an uninstalled workspace's data goes now, not at its purge date. */
export async function purgeWorkspace(db: Db, slackTeamId: string): Promise<PurgeResult> {
  const workspace = await findWorkspace(db, slackTeamId);
  if (!workspace)
    return {
      ok: false,
      message: `No workspace ${slackTeamId}: \`cadence workspace list\` shows them.`,
    };
  if (!workspace.uninstalledAt)
    return {
      ok: false,
      message: `${slackTeamId} (${workspace.name}) is installed: its data is purged only once Cadence is uninstalled from it. Nothing was deleted.`,
    };
  await deleteWorkspace(db, slackTeamId);
  return { ok: true };
}
