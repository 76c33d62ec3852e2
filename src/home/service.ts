// Builds a person's Home tab from what Cadence knows of their workspace.
import type { HomeView } from "@slack/types";
import type { Db } from "../db/client.js";
import { findWorkspace } from "../workspaces/store.js";
import { homeView } from "./views.js";

export async function buildHome(
  db: Db,
  slackTeamId: string | undefined,
  slackUserId: string,
): Promise<HomeView> {
  const workspace = slackTeamId ? await findWorkspace(db, slackTeamId) : null;
  return homeView(slackUserId, workspace?.name ?? null);
}
