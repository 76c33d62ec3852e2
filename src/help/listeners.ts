// `/cadence help` (generated from the table of subcommands), and any command Slack sends that
// Cadence does not know. `/cadence` itself is routed in src/slack/cadence-command.ts.
import type { App } from "@slack/bolt";
import { blocksReply } from "../slack/ack.js";
import type { AppDeps } from "../slack/deps.js";
import { subcommand } from "../slack/subcommands.js";
import { helpBlocks } from "./views.js";

/** The slash commands in manifests/slack-app.yaml; a test keeps the two in step. */
export const SLASH_COMMANDS = ["/cadence", "/winloss", "/content"] as const;

export const subcommands = [
  subcommand({
    name: "help",
    usage: "/cadence help",
    description: "Show this list.",
    parse: () => ({ ok: true, input: null }),
    run: (_input, request) => Promise.resolve(blocksReply(helpBlocks(request.subcommands))),
  }),
];

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
}
