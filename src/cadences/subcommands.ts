// The cadences' `/cadence` subcommands: list, assign, backup, handover, pause, resume, done,
// channel, admin-channel and grace. Each reads its arguments and calls one use case.
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Refusal } from "../refusals.js";
import { blocksReply, type EphemeralReply } from "../slack/ack.js";
import type { AppDeps } from "../slack/deps.js";
import { CHANNEL_MENTION, TEAM_MENTION } from "../slack/mentions.js";
import { subcommand, type Parsed, type SubcommandRequest } from "../slack/subcommands.js";
import { lookUpPerson } from "../workspaces/service.js";
import { mentionedUserIds, whyNotOwner, withoutMentions } from "./rules.js";
import {
  assignBackup,
  assignDri,
  findCadence,
  handover,
  markDone,
  pauseCadence,
  resumeCadence,
  setAdminChannel,
  setCadenceChannel,
  setEscalationGrace,
  type CadenceChange,
  type CadenceDeps,
} from "./service.js";
import { listCadences, recurrenceOf } from "./store.js";
import { cadenceListBlocks, chooseCadenceBlocks } from "./views.js";
import { absenceSubcommands } from "./absence-subcommands.js";
import { reviewOutcomeQuestion } from "../reviews/service.js";

export const cadenceDeps = (deps: AppDeps): CadenceDeps => ({
  db: deps.db,
  clock: deps.clock,
  adminUserIds: deps.config.adminUserIds,
  onScheduleChanged: () => deps.onScheduleChanged(),
});

/** A DRI or backup must be an active person: not a bot, not deactivated, known to Slack. */
export async function ownerRefusal(
  deps: { db: Db; clock: Clock },
  client: WebClient,
  teamId: string,
  person: string,
): Promise<Refusal | null> {
  return whyNotOwner(person, await lookUpPerson(deps.db, deps.clock, client, teamId, person));
}

/** A change as the person sees it; an ambiguous name offers the candidates as buttons. */
export function renderChange(change: CadenceChange, op: string, person?: string): EphemeralReply {
  if (!change.ok && change.code === "ambiguous" && change.candidates) {
    const titles = change.candidates.map((c) => c.title);
    return blocksReply(chooseCadenceBlocks(change.message, titles, op, person));
  }
  return { text: change.message };
}

type Named = { cadence: string };
type NamedWithPerson = Named & { person: string };

const noTeams = (args: string): Parsed<never> | null =>
  TEAM_MENTION.test(args)
    ? {
        ok: false,
        problem: "A DRI is one named person, never a team or a group: mention a single @person.",
      }
    : null;

function parseNamed(args: string): Parsed<Named> {
  const name = withoutMentions(args);
  return noTeams(args) ?? (name ? { ok: true, input: { cadence: name } } : usage("Which cadence?"));
}

function parseNamedWithPerson(args: string): Parsed<NamedWithPerson> {
  const people = mentionedUserIds(args);
  const name = withoutMentions(args);
  if (noTeams(args)) return noTeams(args)!;
  if (!name) return usage("Which cadence?");
  if (people.length !== 1) return usage("Mention exactly one @person.");
  return { ok: true, input: { cadence: name, person: people[0]! } };
}

const usage = (problem: string): Parsed<never> => ({ ok: false, problem });

/** assign and backup, also run again from the "which cadence?" buttons. */
export async function assignRole(
  role: "assign" | "backup",
  input: NamedWithPerson,
  request: Pick<SubcommandRequest, "deps" | "client" | "teamId" | "actor">,
): Promise<EphemeralReply> {
  const { deps, client, teamId } = request;
  const problem = await ownerRefusal(deps, client, teamId, input.person);
  if (problem) return { text: problem.message };
  const assign = role === "assign" ? assignDri : assignBackup;
  const change = await assign(
    cadenceDeps(deps),
    teamId,
    await request.actor(),
    input.cadence,
    input.person,
  );
  return renderChange(change, role, input.person);
}

export const CHANGES = { pause: pauseCadence, resume: resumeCadence, done: markDone } as const;

const changeEntry = (name: keyof typeof CHANGES, usageText: string, description: string) =>
  subcommand<Named>({
    name,
    usage: usageText,
    description,
    parse: parseNamed,
    run: async (input, request) => {
      // A definition review asks what it decided before it counts as done.
      const question = name === "done" ? await reviewQuestion(request, input.cadence) : null;
      if (question) return blocksReply(question);
      const actor = await request.actor();
      const change = await CHANGES[name](
        cadenceDeps(request.deps),
        request.teamId,
        actor,
        input.cadence,
      );
      return renderChange(change, name);
    },
  });

async function reviewQuestion(request: SubcommandRequest, name: string) {
  const match = await findCadence(request.deps.db, request.teamId, name);
  return match.kind === "found" ? reviewOutcomeQuestion(match.cadence) : null;
}

export const subcommands = [
  subcommand({
    name: "list",
    aliases: ["ls"],
    usage: "/cadence list",
    description: "Every cadence, its DRI, backup and next date.",
    parse: () => ({ ok: true, input: null }),
    run: async (_input, { deps, teamId }) => {
      const cadences = await listCadences(deps.db, teamId);
      return blocksReply(
        cadenceListBlocks(cadences.map((c) => ({ ...c, recurrence: recurrenceOf(c) }))),
      );
    },
  }),
  subcommand<NamedWithPerson>({
    name: "assign",
    usage: "/cadence assign <cadence> @person",
    description: "Make one person the DRI of a cadence.",
    parse: parseNamedWithPerson,
    run: (input, request) => assignRole("assign", input, request),
  }),
  subcommand<NamedWithPerson>({
    name: "backup",
    usage: "/cadence backup <cadence> @person",
    description: "Name the backup who takes over if the DRI leaves.",
    parse: parseNamedWithPerson,
    run: (input, request) => assignRole("backup", input, request),
  }),
  subcommand<{ from: string; to: string }>({
    name: "handover",
    usage: "/cadence handover @from @to",
    description: "Move everything one person owns to another.",
    parse: (args) => {
      const people = mentionedUserIds(args);
      if (noTeams(args)) return noTeams(args)!;
      if (people.length !== 2)
        return usage("Mention the person handing over, then the one taking over.");
      return { ok: true, input: { from: people[0]!, to: people[1]! } };
    },
    run: async ({ from, to }, request) => {
      const { deps, client, teamId } = request;
      const problem = await ownerRefusal(deps, client, teamId, to);
      if (problem) return { text: problem.message };
      const result = await handover(cadenceDeps(deps), teamId, await request.actor(), from, to);
      return { text: result.message };
    },
  }),
  changeEntry(
    "pause",
    "/cadence pause <cadence>",
    "Stop posts and reminders; `resume` starts them again.",
  ),
  changeEntry("resume", "/cadence resume <cadence>", "Start a paused cadence again."),
  changeEntry("done", "/cadence done <cadence>", "Mark the latest occurrence done."),
  subcommand<{ cadence: string; channelId: string }>({
    name: "channel",
    usage: "/cadence channel <cadence> #channel",
    description: "Where a cadence posts when it falls due.",
    parse: (args) => {
      const channelId = CHANNEL_MENTION.exec(args)?.[1];
      const cadence = args.replace(CHANNEL_MENTION, " ").replace(/\s+/g, " ").trim();
      if (noTeams(args)) return noTeams(args)!;
      if (!channelId) return usage("Mention the #channel.");
      if (!cadence) return usage("Which cadence?");
      return { ok: true, input: { cadence, channelId } };
    },
    run: async (input, request) =>
      renderChange(
        await setCadenceChannel(
          cadenceDeps(request.deps),
          request.teamId,
          await request.actor(),
          input.cadence,
          input.channelId,
        ),
        "channel",
      ),
  }),
  subcommand<{ channelId: string }>({
    name: "admin-channel",
    usage: "/cadence admin-channel #channel",
    description: "Where escalations and unowned cadences are announced (admins).",
    parse: (args) => {
      const channelId = CHANNEL_MENTION.exec(args)?.[1];
      return channelId ? { ok: true, input: { channelId } } : usage("Mention the #channel.");
    },
    run: async ({ channelId }, request) => {
      const actor = await request.actor();
      const result = await setAdminChannel(
        cadenceDeps(request.deps),
        request.teamId,
        actor,
        channelId,
      );
      return { text: result.message };
    },
  }),
  subcommand<{ cadence: string; hours: number }>({
    name: "grace",
    usage: "/cadence grace <cadence> <hours>",
    description: "How long after its due time an unfinished occurrence is escalated (default 24).",
    parse: (args) => {
      const match = /^(.*\S)\s+(\d+(?:\.\d+)?)\s*h?(?:ours?)?$/i.exec(withoutMentions(args));
      const hours = match ? Number(match[2]) : NaN;
      if (noTeams(args)) return noTeams(args)!;
      if (!match || !(hours > 0 && hours <= 24 * 14))
        return usage("Give the hours after the due time, from 1 to 336.");
      return { ok: true, input: { cadence: match[1]!, hours } };
    },
    run: async (input, request) =>
      renderChange(
        await setEscalationGrace(
          cadenceDeps(request.deps),
          request.teamId,
          await request.actor(),
          input.cadence,
          input.hours,
        ),
        "grace",
      ),
  }),
  ...absenceSubcommands,
];
