// `/cadence definitions` (the register, one definition's history, the form to propose a version),
// `/cadence leads` (who approves), the Approve button and the proposal form's submission.
import { readSlaMinutes } from "../sla/rules.js";
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { isCadenceAdmin, mentionedUserIds } from "../cadences/rules.js";
import { localDate } from "../cadences/schedule.js";
import type { Logger } from "../logger.js";
import { refuse } from "../refusals.js";
import { completeReview } from "../reviews/outcome.js";
import { blocksReply } from "../slack/ack.js";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import { fallbackText } from "../slack/blocks.js";
import type { AppDeps } from "../slack/deps.js";
import { fieldErrorText } from "../slack/mrkdwn.js";
import { parseOwnJson } from "../slack/payload.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";
import { workspaceTimezone } from "../workspaces/store.js";
import {
  readList,
  SUBJECT_TITLES,
  SUBJECTS,
  termsOf,
  type ApprovalSide,
  type Subject,
} from "./rules.js";
import {
  approveVersion,
  currentVersion,
  definitionsRegister,
  proposeVersion,
  setLead,
  type Proposal,
} from "./service.js";
import { versionsOf } from "./store.js";
import {
  approvalStatusText,
  DEFINITION_ACTIONS,
  historyBlocks,
  proposalBlocks,
  proposeModal,
  PROPOSE_CALLBACK,
  registerBlocks,
} from "./views.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const SubjectSchema = z.enum(SUBJECTS);
type DefinitionsInput = { op: "show" } | { op: "history" | "propose"; subject: Subject };

const usage = (problem: string): Parsed<never> => ({ ok: false, problem });

function parseDefinitions(args: string): Parsed<DefinitionsInput> {
  const [op = "", subject = ""] = args.toLowerCase().split(/\s+/);
  if (!op) return { ok: true, input: { op: "show" } };
  if (op !== "history" && op !== "propose") return usage("Say `history` or `propose`, or nothing.");
  const parsed = SubjectSchema.safeParse(subject);
  return parsed.success
    ? { ok: true, input: { op, subject: parsed.data } }
    : usage(`Which definition: ${SUBJECTS.join(", ")}?`);
}

/** Opens the proposal form; a message to show instead when Slack did not open it. */
export async function openProposeModal(
  deps: AppDeps,
  client: WebClient,
  teamId: string,
  triggerId: string,
  subject: Subject,
  reviewCadenceId?: string,
): Promise<string | null> {
  const timezone = await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone);
  const view = proposeModal({
    subject,
    today: localDate(deps.clock.now(), timezone),
    current: await currentVersion(deps, teamId, subject),
    reviewCadenceId,
  });
  try {
    await client.views.open({ trigger_id: triggerId, view });
    return null;
  } catch (error) {
    deps.logger.warn({ err: error }, "Slack did not open the proposal form");
    return refuse("modal-not-opened").message;
  }
}

export const subcommands = [
  subcommand<DefinitionsInput>({
    name: "definitions",
    aliases: ["definition"],
    usage: "/cadence definitions [history|propose mql|icp|sla|attribution]",
    description:
      "The agreed MQL definition, ICP, SLA and attribution model, and what awaits approval.",
    opensModal: true,
    parse: parseDefinitions,
    run: async (input, { deps, client, teamId, triggerId }) => {
      if (input.op === "propose") {
        const problem = await openProposeModal(deps, client, teamId, triggerId, input.subject);
        return problem ? { text: problem } : null;
      }
      const register = await definitionsRegister(deps, teamId);
      if (!register) return { text: refuse("unknown-workspace").message };
      if (input.op === "history")
        return blocksReply(
          historyBlocks(
            input.subject,
            await versionsOf(deps.db, teamId, input.subject),
            register.timezone,
          ),
        );
      return blocksReply(registerBlocks(register));
    },
  }),
  subcommand<{ side: ApprovalSide | null; person: string | null }>({
    name: "leads",
    usage: "/cadence leads [marketing|sales @person]",
    description: "Who approves new definitions for marketing and for sales (admins).",
    parse: (args) => {
      const [side = ""] = args.toLowerCase().split(/\s+/);
      if (!side) return { ok: true, input: { side: null, person: null } };
      const person = mentionedUserIds(args)[0];
      if ((side !== "marketing" && side !== "sales") || !person)
        return usage("Say `marketing` or `sales`, then mention the person.");
      return { ok: true, input: { side, person } };
    },
    run: async (input, { deps, teamId, actor }) => {
      const register = await definitionsRegister(deps, teamId);
      if (!register) return { text: refuse("unknown-workspace").message };
      if (!input.side || !input.person) {
        const who = (id?: string) => (id ? `<@${id}>` : "not named yet");
        return {
          text: `Marketing lead: ${who(register.owners.marketingLeadSlackUserId)}. Sales lead: ${who(register.owners.salesLeadSlackUserId)}.`,
        };
      }
      if (!isCadenceAdmin(await actor(), deps.config.adminUserIds))
        return { text: refuse("not-admin").message };
      await setLead(deps.db, teamId, input.side, input.person);
      return {
        text: `<@${input.person}> is now the ${input.side} lead: they approve new versions of the definitions for ${input.side}.`,
      };
    },
  }),
];

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction>(
    DEFINITION_ACTIONS.approve,
    guard(deps.logger, "approveDefinition", approveDefinition(deps)),
  );
  app.view<ViewSubmitAction>(
    PROPOSE_CALLBACK,
    guard(deps.logger, "submitProposal", submitProposal(deps)),
  );
}

export function approveDefinition(deps: AppDeps) {
  return async function answerApprove({ ack, body, action, respond, client }: ActionArgs) {
    await ack();
    const versionId = z
      .string()
      .min(1)
      .safeParse((action as { value?: unknown }).value);
    const teamId = body.team?.id ?? "";
    if (!versionId.success || !teamId) return;
    const result = await approveVersion(deps, teamId, body.user.id, versionId.data);
    if (!result.ok) {
      await respond({ response_type: "ephemeral", replace_original: false, text: result.message });
      return;
    }
    const timezone = await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone);
    const text = approvalStatusText(result.version, result.agreed, result.inForce, timezone);
    await respond({
      replace_original: true,
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    });
    if (result.agreed) {
      // The proposer and the other lead hear of it too.
      const others = new Set(
        [
          result.version.proposedBySlackUserId,
          result.owners.marketingLeadSlackUserId,
          result.owners.salesLeadSlackUserId,
        ].filter((id): id is string => Boolean(id) && id !== body.user.id),
      );
      await tell(
        deps.logger,
        client,
        [...others],
        approvalStatusText(result.version, true, result.inForce, timezone).replace(
          "You approved",
          "Approved",
        ),
      );
    }
  };
}

async function tell(logger: Logger, client: WebClient, userIds: string[], text: string) {
  for (const channel of userIds)
    await client.chat
      .postMessage({ channel, text })
      .catch((error: unknown) =>
        logger.warn({ err: error, channel }, "could not tell a person about a definition"),
      );
}

const MetaSchema = z.object({ subject: SubjectSchema, reviewCadenceId: z.string().optional() });

type Values = Record<
  string,
  Record<string, { value?: string | null; selected_date?: string | null }>
>;

/** Reads the form into a proposal, or the field errors to show. */
export function readProposal(
  subject: Subject,
  values: Values,
): { ok: true; proposal: Proposal } | { ok: false; errors: Record<string, string> } {
  const field = (block: string) => values[block]?.value;
  const errors: Record<string, string> = {};
  const percent = (block: string): number | undefined => {
    const raw = field(block)?.value?.trim().replace(/%$/, "");
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 1 || n > 99) {
      errors[block] = "Give a percentage between 1 and 99, e.g. 30.";
      return undefined;
    }
    return n / 100;
  };
  let terms: unknown = {};
  if (subject === "mql") terms = { rejectionThreshold: percent("threshold") };
  if (subject === "sla") {
    const minutes = readSlaMinutes(field("minutes")?.value ?? "");
    if (minutes === null) errors.minutes = "Give the SLA in minutes, between 1 and 1440, e.g. 5.";
    terms = { minutes };
  }
  if (subject === "icp")
    terms = {
      industries: readList(field("industries")?.value),
      companySizes: readList(field("sizes")?.value),
      countries: readList(field("countries")?.value),
      outsideThreshold: percent("outside"),
    };
  const text = field("text")?.value?.trim() ?? "";
  if (!text) errors.text = "Write the definition's text.";
  const effectiveOn = field("effective")?.selected_date ?? "";
  if (!effectiveOn) errors.effective = "Choose the date it takes effect.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, proposal: { subject, text, terms, effectiveOn } };
}

export function submitProposal(deps: AppDeps) {
  return async function answerProposal({ ack, body, view, client, context }: ViewArgs) {
    const meta = parseOwnJson(MetaSchema, view.private_metadata);
    if (!meta) {
      await ack({
        response_action: "errors",
        errors: { text: refuse("occurrence-form-outdated").message },
      });
      return;
    }
    const read = readProposal(meta.subject, view.state?.values ?? {});
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const result = await proposeVersion(deps, teamId, body.user.id, read.proposal);
    if (!result.ok) {
      const block =
        result.code === "definition-effective-past" || result.code === "bad-date"
          ? "effective"
          : "text";
      await ack({ response_action: "errors", errors: { [block]: fieldErrorText(result.message) } });
      return;
    }
    await ack();
    await announceProposal(deps, client, teamId, body.user.id, result);
    if (meta.reviewCadenceId && (meta.subject === "mql" || meta.subject === "icp")) {
      const done = await completeReview(
        deps,
        teamId,
        await actorOf(context),
        meta.reviewCadenceId,
        meta.subject,
        "proposed",
      );
      await tell(deps.logger, client, [body.user.id], done.message);
    }
  };
}

/** The proposer's confirmation, and the proposal with its Approve button to each lead. */
export async function announceProposal(
  deps: Pick<AppDeps, "db" | "logger" | "config">,
  client: WebClient,
  teamId: string,
  proposerSlackUserId: string,
  result: Awaited<ReturnType<typeof proposeVersion>> & { ok: true },
): Promise<string> {
  const timezone = await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone);
  const blocks = proposalBlocks(result.version, result.owners, timezone);
  const leads = [
    ...new Set([result.owners.marketingLeadSlackUserId, result.owners.salesLeadSlackUserId]),
  ].filter((id): id is string => Boolean(id));
  for (const lead of leads)
    await client.chat
      .postMessage({ channel: lead, text: fallbackText(blocks), blocks })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, lead }, "could not send a proposal to a lead"),
      );
  const { marketingLeadSlackUserId: marketing, salesLeadSlackUserId: sales } = result.owners;
  const waiting =
    marketing && sales
      ? `It waits for ${marketing === sales ? `<@${marketing}>` : `<@${marketing}> and <@${sales}>`} to approve it.`
      : refuse("definition-no-owners").message;
  const confirmation = `:memo: You proposed ${SUBJECT_TITLES[result.version.subject]} v${result.version.version}, effective ${result.version.effectiveOn}. ${waiting}`;
  if (!leads.includes(proposerSlackUserId))
    await tell(deps.logger, client, [proposerSlackUserId], confirmation);
  return confirmation;
}

/**
 * `/cadence sla` and `/cadence threshold` (admins): the SLA and the rejection threshold are part
 * of the agreed definitions, so the command proposes a version effective today instead of
 * changing the setting; the setting changes once both leads approve it.
 */
export async function proposeSettingChange(
  deps: AppDeps,
  client: WebClient,
  teamId: string,
  actor: { slackUserId: string; isWorkspaceAdmin: boolean },
  change: { setting: "sla"; minutes: number } | { setting: "threshold"; rate: number },
): Promise<string> {
  if (!isCadenceAdmin(actor, deps.config.adminUserIds)) return refuse("not-admin").message;
  const timezone = await workspaceTimezone(deps.db, teamId, deps.config.defaultTimezone);
  const today = localDate(deps.clock.now(), timezone);
  let proposal: Proposal;
  if (change.setting === "sla")
    proposal = {
      subject: "sla",
      text: `A high-intent inbound MQL is first touched within ${change.minutes} minutes.`,
      terms: { minutes: change.minutes },
      effectiveOn: today,
    };
  else {
    const mql = await currentVersion(deps, teamId, "mql");
    proposal = {
      subject: "mql",
      text: mql?.text ?? "No MQL definition agreed yet; this version sets the rejection alert.",
      terms: { ...termsOf("mql", mql?.terms), rejectionThreshold: change.rate },
      effectiveOn: today,
    };
  }
  const result = await proposeVersion(deps, teamId, actor.slackUserId, proposal);
  if (!result.ok) return result.message;
  const confirmation = await announceProposal(deps, client, teamId, actor.slackUserId, result);
  return `${confirmation} The current setting stays until then.`;
}
