// Block Kit of the speed-to-lead watch: the DM that lists untouched leads (one batch), the
// snooze confirmation, the live board and the Home tab's section.
import type { KnownBlock } from "@slack/types";
import { formatInstant } from "../cadences/views.js";
import { context, header, section } from "../slack/blocks.js";
import { escapeInline } from "../slack/mrkdwn.js";
import { waitedText, type Compliance, type Step } from "./rules.js";

export const OPEN_IN_CRM_ACTION = "sla_open_in_crm";
export const SNOOZE_ACTION = "sla_snooze";
/** Leads listed in full in one DM; the rest are counted. */
export const LISTED_LEADS = 10;

export interface BreachItem {
  crmId: string;
  source: string | null;
  team: string | null;
  /** The owner as a mention when known, else as written in the CRM. */
  ownerSlackUserId: string | null;
  ownerText: string | null;
  mqlAt: Date;
  dueAt: Date;
  step: Step;
  crmLink: string | null;
  /** Sent more than a little after its due time (Cadence was not running). */
  late: boolean;
}

const ownerName = (item: BreachItem) =>
  item.ownerSlackUserId
    ? `<@${item.ownerSlackUserId}>`
    : item.ownerText
      ? escapeInline(item.ownerText, 80)
      : "nobody (no owner in the CRM)";

function why(item: BreachItem): string {
  const team = item.team ? ` (team ${escapeInline(item.team, 60)})` : "";
  switch (item.step) {
    case "owner":
      return item.ownerSlackUserId
        ? "Your lead is past its SLA."
        : `Its owner ${ownerName(item)} is not someone Cadence knows in Slack.`;
    case "reminder":
      return "Reminder: you snoozed this lead.";
    case "manager":
      return `${ownerName(item)}'s lead${team} is still untouched at the manager step.`;
    case "vp":
      return `${ownerName(item)}'s lead${team} is still untouched at the VP step.`;
  }
}

export const snoozeValue = (slackTeamId: string, crmId: string) =>
  JSON.stringify({ t: slackTeamId, l: crmId });

function itemBlocks(item: BreachItem, now: Date, timezone: string, slackTeamId: string) {
  const facts = [
    `*${escapeInline(item.crmId, 100)}*`,
    item.source ? `source ${escapeInline(item.source, 80)}` : null,
    `waiting ${waitedText(now.getTime() - item.mqlAt.getTime())}`,
  ].filter(Boolean);
  const late = item.late
    ? `\n:hourglass: Sent late: it was due ${formatInstant(item.dueAt, timezone)}.`
    : "";
  const blocks: KnownBlock[] = [section(`${facts.join(" · ")}\n${why(item)}${late}`)];
  const buttons = [
    ...(item.crmLink
      ? [
          {
            type: "button" as const,
            action_id: OPEN_IN_CRM_ACTION,
            text: { type: "plain_text" as const, text: "Open in CRM" },
            url: item.crmLink,
          },
        ]
      : []),
    ...(item.step === "owner" || item.step === "reminder"
      ? [
          {
            type: "button" as const,
            action_id: SNOOZE_ACTION,
            text: { type: "plain_text" as const, text: "Snooze 10 min" },
            value: snoozeValue(slackTeamId, item.crmId),
          },
        ]
      : []),
  ];
  if (buttons.length)
    blocks.push({
      type: "actions",
      block_id: `sla_${item.crmId}`.slice(0, 255),
      elements: buttons,
    });
  return blocks;
}

/** One DM for every lead that fell due for this person at once: newest first, 10 in full. */
export function breachMessage(
  items: readonly BreachItem[],
  now: Date,
  timezone: string,
  slackTeamId: string,
): { text: string; blocks: KnownBlock[] } {
  const sorted = [...items].sort((a, b) => b.mqlAt.getTime() - a.mqlAt.getTime());
  const listed = sorted.slice(0, LISTED_LEADS);
  // The header is plain text (shown as typed); the top-level text is read as mrkdwn: escaped.
  const title = (id: string) =>
    items.length === 1
      ? `A lead is waiting: ${id}`
      : `${items.length} leads are waiting past their SLA`;
  const blocks: KnownBlock[] = [
    header(title(items[0]!.crmId)),
    ...listed.flatMap((item) => itemBlocks(item, now, timezone, slackTeamId)),
  ];
  if (sorted.length > listed.length)
    blocks.push(
      context(
        `…and ${sorted.length - listed.length} more. \`/cadence sla\` and the Home tab list them all.`,
      ),
    );
  return { text: title(escapeInline(items[0]!.crmId, 100)), blocks };
}

export interface BoardLine {
  label: string;
  compliance: Compliance;
}

const percent = (share: number | null) => (share === null ? "n/a" : `${Math.round(share * 100)}%`);

export function complianceLine({ label, compliance: c }: BoardLine): string {
  return `*${escapeInline(label, 80)}*: ${percent(c.share)} inside the SLA · ${c.met} met · ${c.breached} breached${c.foundLate ? ` (${c.foundLate} found late)` : ""} · ${c.pending} on the clock`;
}

export interface OpenBreach {
  crmId: string;
  source: string | null;
  ownerSlackUserId: string | null;
  ownerText: string | null;
  mqlAt: Date;
  reachedStep: number;
}

const STEP_NAMES = ["", "owner told", "manager told", "VP told"];

export function openBreachLine(breach: OpenBreach, now: Date): string {
  const owner = breach.ownerSlackUserId
    ? `<@${breach.ownerSlackUserId}>`
    : escapeInline(breach.ownerText ?? "no owner", 80);
  return `• *${escapeInline(breach.crmId, 100)}*${breach.source ? ` (${escapeInline(breach.source, 80)})` : ""}, ${owner}, waiting ${waitedText(now.getTime() - breach.mqlAt.getTime())}${breach.reachedStep ? `, ${STEP_NAMES[breach.reachedStep]}` : ""}`;
}

/** The open breaches listed, newest first, then a count of the rest. */
export function openBreachLines(breaches: readonly OpenBreach[], now: Date, max: number): string {
  if (breaches.length === 0) return "No open breaches.";
  const lines = breaches.slice(0, max).map((b) => openBreachLine(b, now));
  if (breaches.length > max) lines.push(`…and ${breaches.length - max} more.`);
  return lines.join("\n");
}

export function boardBlocks(input: {
  today: string;
  lines: readonly BoardLine[];
  open: readonly OpenBreach[];
  now: Date;
}): KnownBlock[] {
  return [
    header(`Speed to lead today (${input.today})`),
    section(input.lines.map(complianceLine).join("\n") || "No MQLs yet today."),
    section(
      `*Open breaches (${input.open.length})*\n${openBreachLines(input.open, input.now, 20)}`,
    ),
  ];
}
