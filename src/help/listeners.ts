// `/cadence` routing and help. Subcommands other capabilities add register in CADENCE_SUBCOMMANDS.
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { AppDeps } from "../slack/deps.js";
import { fallbackText } from "../slack/blocks.js";
import { parseCommandText } from "./rules.js";
import { comingSoonText, helpBlocks, unknownSubcommandBlocks } from "./views.js";

type CommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** The slash commands in manifests/slack-app.yaml; a test keeps the two in step. */
export const SLASH_COMMANDS = ["/cadence", "/winloss", "/content"] as const;

/** Subcommands announced in help but not built yet: they get a friendly "not yet". */
const COMING_SOON = new Set([
  "list",
  "assign",
  "backup",
  "handover",
  "pause",
  "resume",
  "done",
  "digest",
  "import",
]);

export function register(app: App, _deps: AppDeps): void {
  // A command Slack sends that no listener knows (a manifest edited by hand): say so at once
  // rather than letting Slack show "dispatch_failed" after three seconds.
  app.use(async (args) => {
    const command = (args.body as { command?: unknown }).command;
    if (
      typeof command === "string" &&
      !(SLASH_COMMANDS as readonly string[]).includes(command) &&
      "ack" in args
    ) {
      const ack = args.ack as (response: object) => Promise<void>;
      await ack({
        response_type: "ephemeral",
        text: `Cadence does not handle \`${command}\`. Try \`/cadence help\`.`,
      });
      return;
    }
    await args.next();
  });

  app.command("/cadence", async ({ command, ack }: CommandArgs) => {
    const { subcommand } = parseCommandText(command.text);
    if (subcommand === "help") {
      const blocks = helpBlocks();
      await ack({ response_type: "ephemeral", text: fallbackText(blocks), blocks });
    } else if (COMING_SOON.has(subcommand)) {
      await ack({ response_type: "ephemeral", text: comingSoonText(`/cadence ${subcommand}`) });
    } else {
      const blocks = unknownSubcommandBlocks(command.text.trim());
      await ack({ response_type: "ephemeral", text: fallbackText(blocks), blocks });
    }
  });

  for (const name of ["/winloss", "/content"]) {
    app.command(name, async ({ ack }: CommandArgs) => {
      await ack({ response_type: "ephemeral", text: comingSoonText(name) });
    });
  }
}
