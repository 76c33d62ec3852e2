// `/cadence <subcommand> …`: reads the text against the table of subcommands the capabilities
// registered, and answers. It knows no subcommand itself; a new one is an entry in a capability.
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { argumentProblemBlocks, usageBlocks } from "../help/views.js";
import { blocksReply, replyWithinBudget, type EphemeralReply } from "./ack.js";
import { actorOf } from "./actor.js";
import { apology, guard, newReference } from "./answered.js";
import type { AppDeps } from "./deps.js";
import { echo, type SubcommandRequest, type SubcommandTable } from "./subcommands.js";

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function cadenceCommand(deps: AppDeps, table: SubcommandTable) {
  return async function answerCadenceCommand({
    command,
    ack,
    respond,
    client,
    context,
  }: CommandArgs) {
    const reading = table.read(command.text);
    if (!reading.ok) {
      await ack({
        response_type: "ephemeral",
        ...blocksReply(
          reading.unknown
            ? usageBlocks(reading.problem, table)
            : argumentProblemBlocks(reading.problem),
        ),
      });
      return;
    }
    const request: SubcommandRequest = {
      deps,
      client,
      teamId: command.team_id,
      actor: () => actorOf(context),
      triggerId: command.trigger_id,
      subcommands: table,
    };
    const run = () =>
      reading.run.run(request).catch((error: unknown): EphemeralReply => {
        const reference = newReference();
        deps.logger.error(
          { err: error, reference, subcommand: reading.entry.name, text: echo(command.text) },
          "/cadence failed",
        );
        return { text: apology(reference) };
      });
    if (reading.entry.opensModal) {
      await ack();
      const reply = await run();
      if (reply) await respond({ response_type: "ephemeral", ...reply });
      return;
    }
    await replyWithinBudget(ack, respond, async () => (await run()) ?? { text: "Done." });
  };
}

export function registerCadenceCommand(app: App, deps: AppDeps, table: SubcommandTable): void {
  app.command("/cadence", guard(deps.logger, "answerCadenceCommand", cadenceCommand(deps, table)));
}
