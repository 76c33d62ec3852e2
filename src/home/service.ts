// Builds a person's Home tab from their cadences and whether they may administer the workspace.
import type { HomeView } from "@slack/types";
import { recurrenceOf } from "../cadences/store.js";
import { nextDateShifts } from "../cadences/occurrence-changes.js";
import { isCadenceAdmin } from "../cadences/rules.js";
import { openAbsences } from "../cadences/absence-service.js";
import { localDate } from "../cadences/schedule.js";
import type { Db } from "../db/client.js";
import { findWorkspace } from "../workspaces/store.js";
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
        where: { slackTeamId: workspace.slackTeamId },
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
