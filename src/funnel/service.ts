// Which workspace an import writes to: the one named, or the only one there is.
import type { Db } from "../db/client.js";

export type WorkspaceChoice =
  { ok: true; slackTeamId: string; timezone: string } | { ok: false; problem: string };

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
      : {
          ok: false,
          problem: `No workspace ${slackTeamId}. Known: ${workspaces.map((w) => `${w.slackTeamId} (${w.name})`).join(", ") || "none yet"}.`,
        };
  }
  if (workspaces.length === 1)
    return { ok: true, slackTeamId: workspaces[0]!.slackTeamId, timezone: workspaces[0]!.timezone };
  if (workspaces.length === 0)
    return {
      ok: false,
      problem:
        "No workspace yet: start Cadence once (cadence start) so it records your Slack workspace.",
    };
  return {
    ok: false,
    problem: `Several workspaces: choose one with --workspace (${workspaces.map((w) => `${w.slackTeamId} = ${w.name}`).join(", ")}).`,
  };
}
