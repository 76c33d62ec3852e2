// Builds a person's Home tab from their cadences and whether they may administer the workspace.
import type { HomeView } from "@slack/types";
import { recentHistory, recurrenceOf } from "../cadences/store.js";
import { nextDateShifts } from "../cadences/occurrence-changes.js";
import { isCadenceAdmin } from "../cadences/rules.js";
import type { Db } from "../db/client.js";
import { findWorkspace } from "../workspaces/store.js";
import { homeView } from "./views.js";

export async function buildHome(
  db: Db,
  slackTeamId: string | undefined,
  slackUserId: string,
  access: { isWorkspaceAdmin: boolean; adminUserIds: readonly string[] },
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
    recentChanges: await recentChangesFor(db, workspace?.slackTeamId ?? null, isAdmin),
  });
}

/** How many of the latest cadence changes admins see on the Home tab. */
const RECENT_CHANGES = 5;

async function recentChangesFor(db: Db, slackTeamId: string | null, isAdmin: boolean) {
  if (!slackTeamId || !isAdmin) return [];
  const entries = await recentHistory(db, slackTeamId, RECENT_CHANGES);
  return entries.map((e) => ({ ...e, title: e.cadence.title }));
}
