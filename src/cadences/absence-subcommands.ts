// `/cadence away …`, and the Home tab's End early button and Add away dates modal: read the
// input, call a use case in ./absence-service.ts, show the answer. The rules are in ./absences.ts.
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import { z } from "zod";
import { republishHome } from "../home/service.js";
import {
  ADD_ABSENCE_ACTION,
  ADD_ABSENCE_CALLBACK,
  addAbsenceModal,
  awayBlocks,
  END_ABSENCE_ACTION,
} from "../home/views.js";
import type { RefusalCode } from "../refusals.js";
import { blocksReply, type EphemeralReply } from "../slack/ack.js";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { TEAM_MENTION } from "../slack/mentions.js";
import { plainTextOf } from "../slack/mrkdwn.js";
import { subcommand, type Parsed, type SubcommandRequest } from "../slack/subcommands.js";
import { lookUpPerson } from "../workspaces/service.js";
import { endAway, setAway, visibleAbsences, type AbsenceDeps } from "./absence-service.js";
import { mentionedUserIds, whyNotOwner, withoutMentions } from "./rules.js";
import { localDate } from "./schedule.js";

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
  // "2026-12-24 to 2027-01-02", "… - …", "… – …", "… until …" read as the two dates.
  const words = withoutMentions(args)
    .split(" ")
    .filter((word) => word && !/^(to|until|till|-|–|—)$/i.test(word));
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
  { deps, client, teamId, actor: actorOfRequest }: SubcommandRequest,
): Promise<EphemeralReply> {
  const actor = await actorOfRequest();
  if (input.kind === "list") {
    const { today, absences } = await visibleAbsences(absenceDeps(deps), teamId, actor);
    return blocksReply(awayBlocks(absences, actor.slackUserId, today));
  }
  const person = input.person ?? actor.slackUserId;
  // Someone else's dates: they must be a person Slack knows, still here, not a bot.
  if (input.kind === "set" && person !== actor.slackUserId) {
    const problem = whyNotOwner(
      person,
      await lookUpPerson(deps.db, deps.clock, client, teamId, person),
    );
    if (problem) return { text: problem.message };
  }
  const result =
    input.kind === "end"
      ? await endAway(absenceDeps(deps), teamId, actor, { person })
      : await setAway(absenceDeps(deps), teamId, actor, { person, from: input.from, to: input.to });
  // Dates someone else set or ended for you: you hear of it (best effort; the change stands).
  if (result.ok && person !== actor.slackUserId)
    await client.chat
      .postMessage({
        channel: person,
        text: `:palm_tree: <@${actor.slackUserId}> changed your away dates: ${result.message}`,
      })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, "could not tell a person their away dates changed"),
      );
  return { text: result.ok ? `:palm_tree: ${result.message}` : result.message };
}

export const absenceSubcommands = [
  subcommand<AwayCommand>({
    name: "away",
    usage: "/cadence away [@person] <from> [<to>] | list | end [@person]",
    description:
      "Away dates (YYYY-MM-DD, today, tomorrow): reminders and escalations go to the backup meanwhile. Admins set anyone's.",
    parse: parseAway,
    run: (input, request) => runAway(input, request),
  }),
];

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

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
    const text = result.ok ? `:palm_tree: ${result.message}` : result.message;
    if (body.view?.type === "home")
      return republishHome(deps, client, teamId, { ...actor, slackUserId: body.user.id }, text);
    await respond({ response_type: "ephemeral", replace_original: result.ok, text });
  };
}

/** The Add away dates button: opens the modal, both dates on today in the workspace. */
export function openAddAbsence(deps: AppDeps) {
  return async function openAddAbsenceModal({ ack, body, client }: ActionArgs) {
    await ack();
    const teamId = body.team?.id;
    if (!body.trigger_id || !teamId) return;
    const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId: teamId } });
    const today = localDate(deps.clock.now(), workspace?.timezone ?? "UTC");
    await client.views.open({
      trigger_id: body.trigger_id,
      view: addAbsenceModal(today, body.view?.type === "home" ? "home" : "message"),
    });
  };
}

const AddAbsenceMetaSchema = z.object({ origin: z.enum(["home", "message"]) });
const PickedDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Which field a refusal belongs under in the modal. */
const FIELD_OF: Partial<Record<RefusalCode, "starts_on" | "ends_on">> = {
  "absence-reversed": "ends_on",
  "absence-past": "ends_on",
  "absence-too-long": "ends_on",
  "absence-overlap": "starts_on",
  "bad-date": "starts_on",
};

function readAddAbsence(view: ViewSubmitAction["view"]) {
  let meta: unknown = null;
  try {
    meta = JSON.parse(view.private_metadata || "null");
  } catch {
    // A forged value is treated as missing.
  }
  const values = view.state?.values;
  return {
    meta: AddAbsenceMetaSchema.safeParse(meta),
    from: PickedDateSchema.safeParse(values?.starts_on?.date?.selected_date),
    to: PickedDateSchema.safeParse(values?.ends_on?.date?.selected_date),
  };
}

export function submitAddAbsence(deps: AppDeps) {
  return async function answerAddAbsence({ ack, body, view, client, context: ctx }: ViewArgs) {
    const { meta, from, to } = readAddAbsence(view);
    if (!meta.success || !from.success || !to.success) {
      const errors: Record<string, string> = {};
      if (!meta.success) errors.starts_on = "This form is out of date: close it and open it again.";
      else if (!from.success) errors.starts_on = "Choose the first day away.";
      if (meta.success && !to.success) errors.ends_on = "Choose the last day away.";
      await ack({ response_action: "errors", errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const actor = await actorOf(ctx);
    const result = await setAway(absenceDeps(deps), teamId, actor, {
      person: actor.slackUserId,
      from: from.data,
      to: to.data,
    });
    if (!result.ok) {
      const field = FIELD_OF[result.code] ?? "ends_on";
      // The modal sets the person's own dates: mentions of them read as "you" under a field.
      const message = plainTextOf(
        result.message.replace(/<@\w+> is /g, "You are ").replace(/<@\w+>/g, "you"),
      );
      await ack({ response_action: "errors", errors: { [field]: message } });
      return;
    }
    await ack();
    const text = `:palm_tree: ${result.message}`;
    if (meta.data.origin === "home")
      await republishHome(deps, client, teamId, { ...actor, slackUserId: body.user.id }, text);
    else await client.chat.postMessage({ channel: body.user.id, text });
  };
}

export function registerAbsenceActions(app: App, deps: AppDeps): void {
  app.action<BlockAction>(
    END_ABSENCE_ACTION,
    guard(deps.logger, "endAbsence", endAbsenceButton(deps)),
  );
  app.action<BlockAction>(
    ADD_ABSENCE_ACTION,
    guard(deps.logger, "openAddAbsence", openAddAbsence(deps)),
  );
  app.view<ViewSubmitAction>(
    ADD_ABSENCE_CALLBACK,
    guard(deps.logger, "submitAddAbsence", submitAddAbsence(deps)),
  );
}
