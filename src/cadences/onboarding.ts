// The first time Cadence sees a workspace it sets up the standard cadences, without DRIs, and
// says so to the Cadence admins, who are the people able to assign them.
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { section, context } from "../slack/blocks.js";
import { escapeInline } from "../slack/mrkdwn.js";
import { describeRecurrence } from "./recurrence.js";
import { ensureStandardCadences } from "./service.js";
import { recurrenceOf } from "./store.js";

export async function setUpWorkspaceCadences(
  deps: { db: Db; clock: Clock; logger: Logger; slack: WebClient; adminUserIds: readonly string[] },
  slackTeamId: string,
  timezone: string,
): Promise<void> {
  const created = await ensureStandardCadences(deps, slackTeamId, timezone);
  if (created.length === 0) return;
  deps.logger.info(
    { slackTeamId, cadences: created.map((c) => c.title) },
    "created the standard cadences; none has a DRI yet",
  );
  const list = created
    .map((c) => `• *${escapeInline(c.title)}*: ${describeRecurrence(recurrenceOf(c), c.timezone)}`)
    .join("\n");
  const blocks = [
    section(
      `:wave: Cadence set up ${created.length} standard cadences for this workspace. *None has a DRI yet*, so nobody will be reminded until each has a named owner:\n${list}`,
    ),
    context(
      "Assign one with `/cadence assign &lt;cadence&gt; @person`, and a backup with `/cadence backup &lt;cadence&gt; @person`. `/cadence list` shows them all.",
    ),
  ];
  for (const admin of deps.adminUserIds) {
    await deps.slack.chat
      .postMessage({
        channel: admin,
        text: `Cadence set up ${created.length} standard cadences; none has a DRI yet.`,
        blocks,
      })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, admin }, "could not tell an admin about the new cadences"),
      );
  }
}
