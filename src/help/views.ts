// What Cadence can do, as the ephemeral reply to `/cadence help` and in the Home tab.
import type { KnownBlock } from "@slack/types";
import { context, header, section } from "../slack/blocks.js";
import { escapeMrkdwn, inlineCode } from "../slack/mrkdwn.js";

export interface CommandHelp {
  usage: string;
  description: string;
}

/** Every command a person can type, in the order people need them. Later features add theirs here. */
export const COMMANDS: CommandHelp[] = [
  { usage: "/cadence help", description: "Show this list." },
  { usage: "/cadence list", description: "Every cadence, its DRI, backup and next date." },
  {
    usage: "/cadence assign <cadence> @person",
    description: "Make one person the DRI of a cadence.",
  },
  {
    usage: "/cadence backup <cadence> @person",
    description: "Name the backup who takes over if the DRI leaves.",
  },
  {
    usage: "/cadence handover @from @to",
    description: "Move everything one person owns to another.",
  },
  {
    usage: "/cadence pause <cadence>",
    description: "Stop posts and reminders; `resume` starts them again.",
  },
  { usage: "/cadence done <cadence>", description: "Mark the latest occurrence done." },
  {
    usage: "/cadence channel <cadence> #channel",
    description: "Where a cadence posts when it falls due.",
  },
  {
    usage: "/cadence admin-channel #channel",
    description: "Where escalations and unowned cadences are announced (admins).",
  },
  {
    usage: "/cadence grace <cadence> <hours>",
    description: "How long after its due time an unfinished occurrence is escalated (default 24).",
  },
  {
    usage: "/cadence calendar [workspace] [revoke]",
    description: "A private calendar feed of your (or every) cadence.",
  },
  {
    usage: "/cadence sales @user-group|#channel",
    description: "Who the AEs are: asked each month for win/loss and content feedback (admins).",
  },
  {
    usage: "/cadence marketing #channel",
    description: "Where the monthly feedback roll-up is posted (admins).",
  },
  {
    usage: "/cadence picklist [list add|remove value]",
    description: "The reasons, competitors and assets the feedback modals offer.",
  },
  {
    usage: "/cadence sla <minutes> · /cadence threshold <percent>",
    description: "The speed-to-lead SLA (default 5) and the MQL rejection alert (default 30%).",
  },
  {
    usage: "/cadence import",
    description:
      "Import lead data from a CRM export (CSV, admins). Or share the CSV with Cadence in a DM.",
  },
  {
    usage: "/cadence digest",
    description: "This week's funnel digest so far, just for you.",
  },
  {
    usage: "/winloss [deal name]",
    description: "Log why a deal was won or lost, in under a minute.",
  },
  {
    usage: "/content",
    description: "Tell marketing which asset you used in a deal and how it landed.",
  },
];

export function helpBlocks(): KnownBlock[] {
  return [
    header("Cadence: your revenue team's operating rhythm"),
    section(
      "Cadence keeps the weekly funnel review, monthly win/loss and content feedback, and the " +
        "six-month ICP and MQL-definition reviews on the calendar, each with a named owner (DRI).",
    ),
    // Usages hold placeholders such as <cadence>, which Slack would read as a link unless escaped.
    section(
      COMMANDS.map((command) => `• ${inlineCode(command.usage)}: ${command.description}`).join(
        "\n",
      ),
    ),
    context("Open the Cadence app's *Home* tab to see what you own."),
  ];
}

/**
 * What went wrong with a command, then everything Cadence can do. `problem` echoes what was typed
 * (src/cadences/commands.ts), so it is escaped: its own backticks still show as code.
 */
export function usageBlocks(problem: string): KnownBlock[] {
  return [section(`${escapeMrkdwn(problem)} Here is what I can do:`), ...helpBlocks().slice(1)];
}
