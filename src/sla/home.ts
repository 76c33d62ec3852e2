// The Home tab's speed-to-lead section: today's compliance for the viewer's teams (every team for
// admins) and the viewer's own open breaches. Absent for a workspace with no leads to show.
import type { KnownBlock } from "@slack/types";
import type { Db } from "../db/client.js";
import { divider, header, section } from "../slack/blocks.js";
import { slaFigures } from "./service.js";
import { complianceLine, LISTED_LEADS, openBreachLines } from "./views.js";

export async function speedToLeadHomeBlocks(
  db: Db,
  slackTeamId: string,
  slackUserId: string,
  isAdmin: boolean,
  now: Date,
): Promise<KnownBlock[]> {
  const figures = await slaFigures(db, slackTeamId, now, { slackUserId, allTeams: isAdmin });
  if (
    !figures ||
    (figures.lines.every(
      (l) => l.compliance.met + l.compliance.breached + l.compliance.pending === 0,
    ) &&
      figures.open.length === 0)
  )
    return [];
  return [
    divider(),
    header(`Speed to lead today (${figures.today})`),
    section(
      figures.lines.map(complianceLine).join("\n") || "None of your teams' leads arrived today.",
    ),
    section(
      `*Your open breaches (${figures.open.length})*\n${openBreachLines(figures.open, now, LISTED_LEADS)}`,
    ),
  ];
}
