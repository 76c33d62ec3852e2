// The register in Block Kit: `/cadence definitions`, a proposal with its Approve button, one
// definition's history, and the modal that proposes a version.
import type { KnownBlock, View } from "@slack/types";
import { context, divider, header, section } from "../slack/blocks.js";
import { escapeMrkdwn, escapeInline, truncate } from "../slack/mrkdwn.js";
import {
  SUBJECT_TITLES,
  MAX_TEXT_CHARS,
  termsOf,
  type Agreement,
  type Owners,
  type Subject,
  type SubjectState,
  type Version,
} from "./rules.js";
import type { Register } from "./service.js";

export const DEFINITION_ACTIONS = {
  approve: "definition_approve",
  propose: "definition_propose",
} as const;
export const PROPOSE_CALLBACK = "definition_propose_submit";

const day = (at: Date | null, timezone: string) =>
  at ? at.toLocaleDateString("en-CA", { timeZone: timezone }) : "";

export const AGREEMENT_LABELS: Record<Agreement, string> = {
  agreed: "approved by both",
  pending: "pending approval",
  "never-agreed": "never agreed",
};

/** The terms a version carries beyond its text, in one line. */
export function termsLine(subject: Subject, terms: unknown): string | null {
  if (subject === "sla") return `SLA: ${termsOf("sla", terms).minutes} minutes`;
  if (subject === "mql") {
    const threshold = termsOf("mql", terms).rejectionThreshold;
    return threshold === undefined
      ? null
      : `Rejection alert above ${Math.round(threshold * 100)}% two months running`;
  }
  if (subject === "icp") {
    const icp = termsOf("icp", terms);
    const list = (items: string[]) =>
      items.length ? items.map((i) => escapeInline(i)).join(", ") : "any";
    const outside =
      icp.outsideThreshold === undefined
        ? ""
        : ` · early review above ${Math.round(icp.outsideThreshold * 100)}% outside`;
    return `Industries: ${list(icp.industries)} · Sizes: ${list(icp.companySizes)} · Countries: ${list(icp.countries)}${outside}`;
  }
  return null;
}

function approvals(version: Version, timezone: string): string {
  const side = (label: string, who: string | null, at: Date | null) =>
    who ? `${label} <@${who}> on ${day(at, timezone)}` : `${label} waiting`;
  return `${side("marketing", version.marketingApprovedBySlackUserId, version.marketingApprovedAt)} · ${side("sales", version.salesApprovedBySlackUserId, version.salesApprovedAt)}`;
}

function versionText(version: Version, max = 600): string {
  return escapeMrkdwn(truncate(version.text, max));
}

export function approveButton(versionId: string): KnownBlock {
  return {
    type: "actions",
    block_id: `definition_approve:${versionId}`,
    elements: [
      {
        type: "button",
        action_id: DEFINITION_ACTIONS.approve,
        text: { type: "plain_text", text: "Approve" },
        style: "primary",
        value: versionId,
      },
    ],
  };
}

function subjectBlocks(state: SubjectState, timezone: string): KnownBlock[] {
  const title = SUBJECT_TITLES[state.subject];
  const lines = [`*${title}* · ${AGREEMENT_LABELS[state.agreement]}`];
  const { current, scheduled, pending } = state;
  if (current) {
    lines.push(
      `v${current.version}, in force since ${current.effectiveOn}: ${versionText(current)}`,
    );
    const terms = termsLine(state.subject, current.terms);
    if (terms) lines.push(terms);
    lines.push(`Approved: ${approvals(current, timezone)}`);
  } else lines.push("No version agreed yet.");
  if (scheduled)
    lines.push(`v${scheduled.version} is agreed and takes effect on ${scheduled.effectiveOn}.`);
  const blocks: KnownBlock[] = [section(lines.join("\n"))];
  if (pending) {
    blocks.push(
      section(
        `_Proposed by <@${pending.proposedBySlackUserId}>: v${pending.version}, effective ${pending.effectiveOn}_\n${versionText(pending, 400)}\n${approvals(pending, timezone)}`,
      ),
      approveButton(pending.id),
    );
  }
  return blocks;
}

/** `/cadence definitions`: each definition in force, with who approved it and what waits. */
export function registerBlocks(register: Register): KnownBlock[] {
  const lead = (id?: string) => (id ? `<@${id}>` : "not named yet");
  return [
    header("Definitions register"),
    context(
      `Marketing lead: ${lead(register.owners.marketingLeadSlackUserId)} · Sales lead: ${lead(register.owners.salesLeadSlackUserId)} · a version takes effect once both approve it.`,
    ),
    ...register.subjects.flatMap((state) => [
      divider(),
      ...subjectBlocks(state, register.timezone),
    ]),
    context(
      "Propose a version: `/cadence definitions propose mql|icp|sla|attribution` · history: `/cadence definitions history mql|icp|sla|attribution`",
    ),
  ];
}

/** The message each lead gets: the proposal and the Approve button. */
export function proposalBlocks(version: Version, owners: Owners, timezone: string): KnownBlock[] {
  const terms = termsLine(version.subject, version.terms);
  return [
    section(
      `:memo: <@${version.proposedBySlackUserId}> proposes *${SUBJECT_TITLES[version.subject]} v${version.version}*, effective ${version.effectiveOn}:\n>${versionText(version, MAX_TEXT_CHARS - 300).replace(/\n/g, "\n>")}`,
    ),
    ...(terms ? [context(terms)] : []),
    context(
      `It takes effect once the marketing lead (${owners.marketingLeadSlackUserId ? `<@${owners.marketingLeadSlackUserId}>` : "not named"}) and the sales lead (${owners.salesLeadSlackUserId ? `<@${owners.salesLeadSlackUserId}>` : "not named"}) approve it. ${approvals(version, timezone)}`,
    ),
    approveButton(version.id),
  ];
}

/** What replaces the proposal after a click: where the version stands now. */
export function approvalStatusText(
  version: Version,
  agreed: boolean,
  inForce: boolean,
  timezone: string,
): string {
  const title = `${SUBJECT_TITLES[version.subject]} v${version.version}`;
  if (agreed && inForce)
    return `:white_check_mark: *${title}* is approved by both sides and in force from today. ${approvals(version, timezone)}`;
  if (agreed)
    return `:white_check_mark: *${title}* is approved by both sides and takes effect on ${version.effectiveOn}. ${approvals(version, timezone)}`;
  return `:ballot_box_with_check: You approved *${title}*; it waits for the other side. ${approvals(version, timezone)}`;
}

export function historyBlocks(
  subject: Subject,
  versions: readonly Version[],
  timezone: string,
): KnownBlock[] {
  const own = versions.filter((v) => v.subject === subject);
  if (!own.length) return [section(`*${SUBJECT_TITLES[subject]}*: no version yet.`)];
  const status = (v: Version) =>
    v.agreedAt ? `agreed ${day(v.agreedAt, timezone)}` : v.withdrawnAt ? "withdrawn" : "pending";
  return [
    header(`${SUBJECT_TITLES[subject]}: history`),
    ...own
      .slice(0, 40)
      .map((v) =>
        section(
          `*v${v.version}* · effective ${v.effectiveOn} · ${status(v)} · proposed by <@${v.proposedBySlackUserId}> on ${day(v.proposedAt, timezone)}\n${versionText(v, 500)}\n${approvals(v, timezone)}`,
        ),
      ),
  ];
}

export interface ProposeModalInput {
  subject: Subject;
  today: string;
  current: Version | null;
  /** The review cadence whose outcome is "new version proposed": submitting marks it done. */
  reviewCadenceId?: string;
}

const input = (
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  optional = false,
  hint?: string,
) =>
  ({
    type: "input",
    block_id: blockId,
    optional,
    label: { type: "plain_text", text: label },
    element: { action_id: "value", ...element },
    ...(hint ? { hint: { type: "plain_text", text: hint } } : {}),
  }) as KnownBlock;

const text = (initial: string | undefined, multiline = false, max?: number) => ({
  type: "plain_text_input",
  multiline,
  ...(initial ? { initial_value: initial } : {}),
  ...(max ? { max_length: max } : {}),
});

export function proposeModal(modal: ProposeModalInput): View {
  const { subject, current } = modal;
  const blocks: KnownBlock[] = [
    context(
      current
        ? `v${current.version} is in force since ${current.effectiveOn}. Your version takes effect once the marketing and sales leads both approve it.`
        : "No version is agreed yet. Yours takes effect once the marketing and sales leads both approve it.",
    ),
    input("text", "Definition", text(current?.text, true, MAX_TEXT_CHARS)),
    input("effective", "Effective from", { type: "datepicker", initial_date: modal.today }),
  ];
  if (subject === "mql") {
    const t = termsOf("mql", current?.terms).rejectionThreshold;
    blocks.push(
      input(
        "threshold",
        "Rejection alert (%)",
        text(t === undefined ? undefined : String(Math.round(t * 100))),
        true,
        "Monthly rejection rate that, two months running, brings this review forward (default 30).",
      ),
    );
  }
  if (subject === "sla")
    blocks.push(
      input("minutes", "SLA (minutes)", text(String(termsOf("sla", current?.terms).minutes))),
    );
  if (subject === "icp") {
    const icp = termsOf("icp", current?.terms);
    const list = (items: string[]) => (items.length ? items.join(", ") : undefined);
    blocks.push(
      input(
        "industries",
        "Industries",
        text(list(icp.industries)),
        true,
        "Comma-separated, as the CRM spells them; empty means any.",
      ),
      input("sizes", "Company sizes", text(list(icp.companySizes)), true, "e.g. 51-200, 201-1000"),
      input("countries", "Countries", text(list(icp.countries)), true, "e.g. US, GB, DE"),
      input(
        "outside",
        "Early review above (% of won deals outside the ICP)",
        text(
          icp.outsideThreshold === undefined
            ? undefined
            : String(Math.round(icp.outsideThreshold * 100)),
        ),
        true,
        "Over a quarter (default 40).",
      ),
    );
  }
  return {
    type: "modal",
    callback_id: PROPOSE_CALLBACK,
    private_metadata: JSON.stringify({ subject, reviewCadenceId: modal.reviewCadenceId }),
    title: { type: "plain_text", text: "Propose a definition" },
    submit: { type: "plain_text", text: "Propose" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [section(`*${SUBJECT_TITLES[subject]}*`), ...blocks],
  };
}
