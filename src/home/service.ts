// Builds a person's Home tab from their cadences and whether they may administer the workspace.
import type { HomeView } from "@slack/types";
import { recurrenceOf } from "../cadences/store.js";
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
        where: { slackTeamId: workspace.slackTeamId },
        orderBy: { title: "asc" },
      })
    : [];
  const shifts = await nextDateShifts(db, cadences);
  return homeView({
    slackUserId,
    workspaceName: workspace?.name ?? null,
    isAdmin: isCadenceAdmin(
      { slackUserId, isWorkspaceAdmin: access.isWorkspaceAdmin },
      access.adminUserIds,
    ),
    cadences: cadences.map((c) => ({
      ...c,
      recurrence: recurrenceOf(c),
      nextShift: shifts.get(c.id) ?? null,
    })),
  });
}
