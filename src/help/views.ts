// What Cadence can do, as the ephemeral reply to `/cadence help` and in the Home tab.
import type { KnownBlock } from "@slack/types";
import { context, header, section, SLACK_LIMITS } from "../slack/blocks.js";
import type { SubcommandHelp } from "../slack/subcommands.js";
import { escapeMrkdwn, inlineCode } from "../slack/mrkdwn.js";

/** The other slash commands; `/cadence`'s own come from its table of subcommands. */
const OTHER_COMMANDS: SubcommandHelp[] = [
  {
    usage: "/winloss [deal name]",
    description: "Log why a deal was won or lost, in under a minute.",
  },
  {
    usage: "/content",
    description: "Tell marketing which asset you used in a deal and how it landed.",
  },
];

export function helpBlocks(subcommands: { entries: readonly SubcommandHelp[] }): KnownBlock[] {
  const commands = [...subcommands.entries, ...OTHER_COMMANDS];
  return [
    header("Cadence: your revenue team's operating rhythm"),
    section(
      "Cadence keeps the weekly funnel review, monthly win/loss and content feedback, and the " +
        "six-month ICP and MQL-definition reviews on the calendar, each with a named owner (DRI).",
    ),
    // Usages hold placeholders such as <cadence>, which Slack would read as a link unless escaped.
    ...inSections(
      commands.map((command) => `• ${inlineCode(command.usage)}: ${command.description}`),
    ),
    context("Open the Cadence app's *Home* tab to see what you own."),
  ];
}

/** Lines in as few sections as Slack's 3,000 characters per section text allow. */
function inSections(lines: string[]): KnownBlock[] {
  const texts: string[] = [];
  for (const line of lines) {
    const last = texts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= SLACK_LIMITS.sectionText)
      texts[texts.length - 1] = `${last}\n${line}`;
    else texts.push(line);
  }
  return texts.map((text) => section(text));
}

/**
 * What went wrong with a command, then everything Cadence can do. `problem` echoes what was typed
 * (src/slack/subcommands.ts), so it is escaped: its own backticks still show as code.
 */
export function usageBlocks(
  problem: string,
  subcommands: { entries: readonly SubcommandHelp[] },
): KnownBlock[] {
  return [
    section(`${escapeMrkdwn(problem)} Here is what I can do:`),
    ...helpBlocks(subcommands).slice(1),
  ];
}

/** A known subcommand typed wrong: what was wrong and its usage, without the whole list. */
export function argumentProblemBlocks(problem: string): KnownBlock[] {
  return [section(escapeMrkdwn(problem)), context("`/cadence help` lists every command.")];
}
