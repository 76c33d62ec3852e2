// `/cadence away …` and the Home tab's End early button: read the arguments, call a use case in
// ./absence-service.ts, show the answer. The rules are in ./absences.ts.
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { buildHome } from "../home/service.js";
import { awayBlocks, END_ABSENCE_ACTION } from "../home/views.js";
import { blocksReply, type EphemeralReply } from "../slack/ack.js";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import { context } from "../slack/blocks.js";
import type { AppDeps } from "../slack/deps.js";
import { TEAM_MENTION } from "../slack/mentions.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";
import { endAway, setAway, visibleAbsences, type AbsenceDeps } from "./absence-service.js";
import { mentionedUserIds, withoutMentions } from "./rules.js";

const absenceDeps = (deps: AppDeps): AbsenceDeps => ({
  db: deps.db,
  clock: deps.clock,
  adminUserIds: deps.config.adminUserIds,
});

export type AwayCommand =
  | { kind: "list" }
  | { kind: "end"; person: string | null }
  | { kind: "set"; person: string | null; from: string; to: string };

const usage = (problem: string): Parsed<never> => ({ ok: false, problem });

/** `list`, `end [@person]`, or `[@person] <from> [<to>]` (one day when `to` is left out). */
export function parseAway(args: string): Parsed<AwayCommand> {
  if (TEAM_MENTION.test(args)) return usage("Mention one @person, never a group.");
  const people = mentionedUserIds(args);
  if (people.length > 1) return usage("Mention at most one @person.");
  const person = people[0] ?? null;
  const words = withoutMentions(args).split(" ").filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0]!.toLowerCase() === "list"))
    return person
      ? usage("Give the first and last day away.")
      : { ok: true, input: { kind: "list" } };
  if (words[0]!.toLowerCase() === "end")
    return words.length === 1
      ? { ok: true, input: { kind: "end", person } }
      : usage("`end` takes at most an @person.");
  if (words.length > 2)
    return usage("Give the first and last day away, e.g. 2026-12-24 2027-01-02.");
  return { ok: true, input: { kind: "set", person, from: words[0]!, to: words[1] ?? words[0]! } };
}

async function runAway(
  input: AwayCommand,
  deps: AppDeps,
  teamId: string,
  actorOfRequest: () => ReturnType<typeof actorOf>,
): Promise<EphemeralReply> {
  const actor = await actorOfRequest();
  if (input.kind === "list") {
    const { today, absences } = await visibleAbsences(absenceDeps(deps), teamId, actor);
    return blocksReply(awayBlocks(absences, actor.slackUserId, today));
  }
  const person = input.person ?? actor.slackUserId;
  const result =
    input.kind === "end"
      ? await endAway(absenceDeps(deps), teamId, actor, { person })
      : await setAway(absenceDeps(deps), teamId, actor, { person, from: input.from, to: input.to });
  // A range ended may have been covered: the cover notices' duty sends the "cover ends" notes.
  if (result.ok) deps.onScheduleChanged();
  return { text: result.ok ? `:palm_tree: ${result.message}` : result.message };
}

export const absenceSubcommands = [
  subcommand<AwayCommand>({
    name: "away",
    usage: "/cadence away [@person] <from> <to> | list | end [@person]",
    description:
      "Away dates (YYYY-MM-DD, today, tomorrow): reminders and escalations go to the backup meanwhile. Admins set anyone's.",
    parse: parseAway,
    run: (input, request) => runAway(input, request.deps, request.teamId, request.actor),
  }),
];

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const AbsenceIdSchema = z.string().min(1).max(64);

/** The End early button: ends that range, then shows the result where the button was. */
export function endAbsenceButton(deps: AppDeps) {
  return async function answerEndAbsence({
    ack,
    body,
    action,
    respond,
    client,
    context: ctx,
  }: ActionArgs) {
    await ack();
    const absenceId = AbsenceIdSchema.safeParse((action as { value?: unknown }).value);
    const teamId = body.team?.id;
    if (!absenceId.success || !teamId) return;
    const actor = await actorOf(ctx);
    const result = await endAway(absenceDeps(deps), teamId, actor, { absenceId: absenceId.data });
    if (result.ok) deps.onScheduleChanged();
    const text = result.ok ? `:palm_tree: ${result.message}` : result.message;
    if (body.view?.type === "home") {
      const view = await buildHome(deps.db, teamId, body.user.id, {
        isWorkspaceAdmin: actor.isWorkspaceAdmin,
        adminUserIds: deps.config.adminUserIds,
        now: deps.clock.now(),
      });
      view.blocks.splice(1, 0, context(text));
      await client.views.publish({
        user_id: body.user.id,
        view: { ...view, blocks: view.blocks.slice(0, 100) },
      });
      return;
    }
    await respond({ response_type: "ephemeral", replace_original: result.ok, text });
  };
}

export function registerAbsenceActions(app: App, deps: AppDeps): void {
  app.action<BlockAction>(
    END_ABSENCE_ACTION,
    guard(deps.logger, "endAbsence", endAbsenceButton(deps)),
  );
}
