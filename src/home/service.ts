// Builds a person's Home tab from their cadences and whether they may administer the workspace.
import type { HomeView } from "@slack/types";
import { recentHistory, recurrenceOf } from "../cadences/store.js";
import { nextDateShifts } from "../cadences/occurrence-changes.js";
import { isCadenceAdmin } from "../cadences/rules.js";
import { openAbsences } from "../cadences/absence-service.js";
import { localDate } from "../cadences/schedule.js";
import { crmHealthLines } from "../crm/health.js";
import { findConnection } from "../crm/store.js";
import type { Db } from "../db/client.js";
import { findWorkspace } from "../workspaces/store.js";
import { context, SLACK_LIMITS } from "../slack/blocks.js";
import { speedToLeadHomeBlocks } from "../sla/home.js";
import { homeView } from "./views.js";

export async function buildHome(
  db: Db,
  slackTeamId: string | undefined,
  slackUserId: string,
  access: { isWorkspaceAdmin: boolean; adminUserIds: readonly string[]; now: Date },
): Promise<HomeView> {
  const workspace = slackTeamId ? await findWorkspace(db, slackTeamId) : null;
  const cadences = workspace
    ? await db.cadence.findMany({
        where: { slackTeamId: workspace.slackTeamId, archivedAt: null },
        orderBy: { title: "asc" },
      })
    : [];
  const shifts = await nextDateShifts(db, cadences);
  const isAdmin = isCadenceAdmin(
    { slackUserId, isWorkspaceAdmin: access.isWorkspaceAdmin },
    access.adminUserIds,
  );
  return homeView({
    slackUserId,
    workspaceName: workspace?.name ?? null,
    isAdmin,
    cadences: cadences.map((c) => ({
      ...c,
      recurrence: recurrenceOf(c),
      nextShift: shifts.get(c.id) ?? null,
    })),
    absences: workspace
      ? await awaySection(db, workspace, slackUserId, isAdmin, access.now)
      : undefined,
    recentChanges: await recentChangesFor(db, workspace?.slackTeamId ?? null, isAdmin),
    crmHealth: await crmHealthFor(db, workspace?.slackTeamId ?? null, isAdmin, access.now),
    speedToLead: workspace
      ? await speedToLeadHomeBlocks(db, workspace.slackTeamId, slackUserId, isAdmin, access.now)
      : [],
  });
}

/** The Away section's ranges still to come or running: the person's own, for admins everyone's. */
async function awaySection(
  db: Db,
  workspace: { slackTeamId: string; timezone: string },
  slackUserId: string,
  isAdmin: boolean,
  now: Date,
) {
  const today = localDate(now, workspace.timezone);
  const ranges = await openAbsences(
    db,
    workspace.slackTeamId,
    today,
    isAdmin ? undefined : slackUserId,
  );
  return { today, ranges };
}

/** How many of the latest cadence changes admins see on the Home tab. */
const RECENT_CHANGES = 5;

async function recentChangesFor(db: Db, slackTeamId: string | null, isAdmin: boolean) {
  if (!slackTeamId || !isAdmin) return [];
  const entries = await recentHistory(db, slackTeamId, RECENT_CHANGES);
  return entries.map((e) => ({ ...e, title: e.cadence.title }));
}

/** The CRM sync's health for admins, when the workspace has a CRM connected. */
async function crmHealthFor(db: Db, slackTeamId: string | null, isAdmin: boolean, now: Date) {
  if (!slackTeamId || !isAdmin) return undefined;
  const connection = await findConnection(db, slackTeamId);
  return connection ? crmHealthLines(connection, now) : undefined;
}

export interface HomeDeps {
  db: Db;
  clock: { now(): Date };
  config: { adminUserIds: readonly string[] };
}

/**
 * Publishes a person's Home tab again after something on it changed, with `notice` (mrkdwn we
 * wrote) at the top: the Home tab has no response_url, so this is how a button there confirms.
 */
export async function republishHome(
  deps: HomeDeps,
  client: { views: { publish(args: { user_id: string; view: HomeView }): Promise<unknown> } },
  slackTeamId: string,
  viewer: { slackUserId: string; isWorkspaceAdmin: boolean },
  notice?: string,
): Promise<void> {
  const view = await buildHome(deps.db, slackTeamId, viewer.slackUserId, {
    isWorkspaceAdmin: viewer.isWorkspaceAdmin,
    adminUserIds: deps.config.adminUserIds,
    now: deps.clock.now(),
  });
  if (notice) view.blocks.splice(1, 0, context(notice));
  await client.views.publish({
    user_id: viewer.slackUserId,
    view: { ...view, blocks: view.blocks.slice(0, SLACK_LIMITS.blocksPerView) },
  });
}
