// The Home tab. For now: a welcome and what is coming.
import type { HomeView } from "@slack/types";
import { context, divider, header, section } from "../slack/blocks.js";
import { COMMANDS } from "../help/views.js";

export function homeView(slackUserId: string, workspaceName: string | null): HomeView {
  return {
    type: "home",
    blocks: [
      header("Welcome to Cadence"),
      section(
        `Hi <@${slackUserId}>! Cadence runs ${workspaceName ? `*${workspaceName}*'s` : "your team's"} ` +
          "revenue rhythm in Slack: every review has a named owner, fires on time, and moves to " +
          "someone else instead of fading when people change roles.",
      ),
      divider(),
      section(
        "*Coming next*\n" +
          "• Your cadences, with next dates and buttons to mark done, snooze or hand over\n" +
          "• The Monday funnel digest: volumes, conversion, speed to lead, rejection reasons\n" +
          "• Win/loss and content feedback from AEs, rolled up monthly for marketing",
      ),
      divider(),
      section(COMMANDS.map((command) => `\`${command.usage}\`  ${command.description}`).join("\n")),
      context("Questions or ideas? Tell your RevOps admin, who set Cadence up."),
    ],
  };
}
