// The Home tab: the person's own cadences with the DRI buttons, and for admins every cadence,
// unassigned ones first. Stays within Slack's 100 blocks per view.
import type { HomeView, KnownBlock, ModalView, SectionBlock } from "@slack/types";
import { editButton, newCadenceButton, summaryMrkdwn } from "../cadences/edit-modal.js";
import { describeRecurrence } from "../cadences/recurrence.js";
import {
  driButtons,
  formatInstant,
  owner,
  titleText,
  type ListedCadence,
} from "../cadences/views.js";
import { context, divider, fitBlocks, header, section, SLACK_LIMITS } from "../slack/blocks.js";
import { escapeInline, inlineCode } from "../slack/mrkdwn.js";

export interface HomeCadence extends ListedCadence {
  id: string;
  /** Why the next date is not the rhythm's (src/cadences/occurrence-changes.ts, nextDateShifts). */
  nextShift?: { why: "moved" | "holiday"; from: Date } | null;
}

const shiftText = (c: HomeCadence) =>
  c.nextShift
    ? ` (${c.nextShift.why === "holiday" ? "holiday: " : ""}moved from ${formatInstant(c.nextShift.from, c.timezone)})`
    : "";

export interface HomeInput {
  slackUserId: string;
  workspaceName: string | null;
  isAdmin: boolean;
  cadences: HomeCadence[];
  /** Away ranges still to come or running: the person's own, for admins everyone's. */
  absences?: {
    today: string;
    ranges: HomeAbsence[]; /** The speed-to-lead section (src/sla/home.ts), when there is one. */
    speedToLead?: KnownBlock[];
  };
  /** The workspace's latest cadence changes, newest first (shown to admins). */
  recentChanges?: HomeChange[];
  /** The CRM sync's health as mrkdwn lines we wrote (src/crm/health.ts), for admins; none when no CRM. */
  crmHealth?: string[];
  /** The speed-to-lead section (src/sla/home.ts), when there is one. */
  speedToLead?: KnownBlock[];
}

export interface HomeChange {
  title: string;
  changedBySlackUserId: string | null;
  changedAt: Date;
  summary: string;
}

export interface HomeAbsence {
  id: string;
  slackUserId: string;
  startsOn: string;
  endsOn: string;
}

export const END_ABSENCE_ACTION = "cadence_end_absence";
export const ADD_ABSENCE_ACTION = "cadence_add_absence";
export const ADD_ABSENCE_CALLBACK = "cadence_add_absence_modal";

/** The Add away dates modal: the first and last day away, inclusive. */
export function addAbsenceModal(today: string, origin: "home" | "message"): ModalView {
  const datepicker = (blockId: string, label: string) => ({
    type: "input" as const,
    block_id: blockId,
    label: { type: "plain_text" as const, text: label },
    element: { type: "datepicker" as const, action_id: "date", initial_date: today },
  });
  return {
    type: "modal",
    callback_id: ADD_ABSENCE_CALLBACK,
    private_metadata: JSON.stringify({ origin }),
    title: { type: "plain_text", text: "Away dates" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        "While you are away, reminders and escalations for your cadences go to their backups (the admin channel where there is none).",
      ),
      datepicker("starts_on", "First day away"),
      datepicker("ends_on", "Last day away"),
    ],
  };
}

/** The Away section: each range with an End early button (also `/cadence away list`). */
export function awayBlocks(
  absences: readonly HomeAbsence[],
  viewer: string,
  today: string,
): KnownBlock[] {
  const blocks: KnownBlock[] = [header("Away")];
  if (absences.length === 0)
    blocks.push(
      section(`No away dates. ${inlineCode("/cadence away 2026-12-24 2027-01-02")} sets yours.`),
    );
  for (const a of absences.slice(0, 20)) {
    const who = a.slackUserId === viewer ? "You" : `<@${a.slackUserId}>`;
    const dates = a.startsOn === a.endsOn ? a.startsOn : `${a.startsOn} to ${a.endsOn}`;
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `${who}: ${dates}${a.startsOn <= today ? " _(away now)_" : ""}`,
      },
      accessory: {
        type: "button",
        action_id: END_ABSENCE_ACTION,
        text: { type: "plain_text", text: "End early" },
        value: a.id,
      },
    });
  }
  blocks.push(
    {
      type: "actions",
      block_id: "away_actions",
      elements: [
        {
          type: "button",
          action_id: ADD_ABSENCE_ACTION,
          text: { type: "plain_text", text: "Add away dates" },
        },
      ],
    },
    context("While someone is away, their reminders and escalations go to their backup."),
  );
  return blocks;
}

const nextText = (c: HomeCadence) =>
  !c.active
    ? "paused"
    : c.nextDueAt
      ? `next *${formatInstant(c.nextDueAt, c.timezone)}*${shiftText(c)}`
      : "waiting for the last one to be marked done";

function ownCadenceBlocks(c: HomeCadence, role: "DRI" | "backup"): KnownBlock[] {
  const line = `${titleText(c.title)} (${role === "DRI" ? "you are the DRI" : `you are the backup; DRI ${owner(c.driSlackUserId)}`})\n${nextText(c)} · _${describeRecurrence(c.recurrence, c.timezone)}_`;
  return role === "DRI"
    ? [withEditButton(section(line), c), driButtons(c.id, c.active ? c.nextDueAt : null)]
    : [section(line)];
}

export function homeView({
  slackUserId,
  workspaceName,
  isAdmin,
  cadences,
  absences,
  recentChanges = [],
  crmHealth,
  speedToLead = [],
}: HomeInput): HomeView {
  const mine = cadences.filter((c) => c.driSlackUserId === slackUserId);
  const backing = cadences.filter((c) => c.backupSlackUserId === slackUserId);
  const blocks: KnownBlock[] = [
    header("Cadence"),
    section(
      `Hi <@${slackUserId}>! Cadence runs ${workspaceName ? `*${escapeInline(workspaceName)}*'s` : "your team's"} revenue rhythm: ` +
        "every review has a named owner, fires on time, and moves to someone else instead of fading when people change roles.",
    ),
    divider(),
    header("Your cadences"),
  ];
  if (mine.length + backing.length === 0)
    blocks.push(section("You own no cadences. `/cadence list` shows who owns what."));
  for (const c of mine) blocks.push(...ownCadenceBlocks(c, "DRI"));
  for (const c of backing) blocks.push(...ownCadenceBlocks(c, "backup"));

  if (absences) blocks.push(divider(), ...awayBlocks(absences.ranges, slackUserId, absences.today));
  blocks.push(...speedToLead);

  if (isAdmin) {
    const ordered = [...cadences].sort(
      (a, b) =>
        Number(Boolean(a.driSlackUserId)) - Number(Boolean(b.driSlackUserId)) ||
        a.title.localeCompare(b.title),
    );
    blocks.push(divider(), header("All cadences"), newCadenceBlock());
    const unassigned = ordered.filter((c) => !c.driSlackUserId).length;
    blocks.push(
      context(
        unassigned
          ? `:warning: ${unassigned} without a DRI: ${inlineCode("/cadence assign <cadence> @person")}`
          : "Every cadence has a DRI.",
      ),
    );
    for (const c of ordered) {
      blocks.push(
        withEditButton(
          section(
            `${c.driSlackUserId ? "" : ":warning: "}${titleText(c.title)}: DRI ${owner(c.driSlackUserId)}, backup ${owner(c.backupSlackUserId)}, ${nextText(c)}`,
          ),
          c,
        ),
      );
    }
    blocks.push(...recentChangesBlocks(recentChanges));
    if (crmHealth) blocks.push(...crmBlocks(crmHealth));
  }
  blocks.push(
    context(
      "`/cadence help` lists every command. `/cadence calendar` gives you a calendar feed of your cadences.",
    ),
  );
  return { type: "home", blocks: fitBlocks(blocks, SLACK_LIMITS.blocksPerView) };
}

/** A cadence's line with its Edit button (shown only to those who may edit: its DRI, admins). */
function withEditButton(block: SectionBlock, c: HomeCadence): SectionBlock {
  return { ...block, accessory: editButton(c.id) };
}

/** "New cadence" (a custom one), for admins. */
function newCadenceBlock(): KnownBlock {
  return { type: "actions", block_id: "cadence_new", elements: [newCadenceButton()] };
}

/** Recent changes to the workspace's cadences: who, when, what (admins). */
function recentChangesBlocks(changes: HomeChange[]): KnownBlock[] {
  if (changes.length === 0) return [];
  const lines = changes.map(
    (change) =>
      `${titleText(change.title)} · ${change.changedBySlackUserId ? `<@${change.changedBySlackUserId}>` : "Cadence"} · <!date^${Math.floor(change.changedAt.getTime() / 1000)}^{date_short_pretty} {time}|${change.changedAt.toISOString()}>\n      ${summaryMrkdwn(change.summary)}`,
  );
  return [divider(), header("Recent changes"), section(lines.join("\n"))];
}

/** The CRM section (admins): provider, last success, lag, records, last error. */
function crmBlocks(lines: string[]): KnownBlock[] {
  return [
    divider(),
    header("CRM"),
    section(lines.join("\n")),
    context("`/cadence crm sync` syncs now; `/cadence crm status` shows this in a reply."),
  ];
}
