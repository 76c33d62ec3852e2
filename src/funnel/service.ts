// Which workspace an import writes to: the one named, or the only one there is.
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";

export type WorkspaceChoice = Result<{ slackTeamId: string; timezone: string }>;

export async function chooseWorkspace(
  db: Db,
  slackTeamId: string | undefined,
): Promise<WorkspaceChoice> {
  const workspaces = await db.workspace.findMany({
    select: { slackTeamId: true, name: true, timezone: true },
  });
  if (slackTeamId) {
    const named = workspaces.find((w) => w.slackTeamId === slackTeamId);
    return named
      ? { ok: true, slackTeamId: named.slackTeamId, timezone: named.timezone }
      : refuse("no-such-workspace", { slackTeamId, known: workspaces });
  }
  if (workspaces.length === 1)
    return { ok: true, slackTeamId: workspaces[0]!.slackTeamId, timezone: workspaces[0]!.timezone };
  if (workspaces.length === 0) return refuse("no-workspace-yet");
  return refuse("several-workspaces", { known: workspaces });
}
