// Block Kit for cadences: the message an occurrence posts, and replies to /cadence commands.
import type { KnownBlock, ModalView } from "@slack/types";
import { context, header, section } from "../slack/blocks.js";
import { escapeInline, inlineCode } from "../slack/mrkdwn.js";
import { purposeOf } from "./kinds.js";
import { describeRecurrence, type Recurrence } from "./recurrence.js";

export interface OccurrenceMessageInput {
  title: string;
  kind: string;
  recurrence: Recurrence;
  timezone: string;
  driSlackUserId: string | null;
  dueAt: Date;
  late: boolean;
}

/** Said on a post that went out after downtime. */
export const lateNote = (dueAt: Date, timezone: string): string =>
  `:hourglass: Posted late: it was due ${formatInstant(dueAt, timezone)}, while Cadence was offline.`;

export const formatInstant = (at: Date, timezone: string): string =>
  new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(at);

/**
 * An instant as Slack shows it to each reader, in their own timezone ("Dec 14 at 15:00");
 * `fallback` is for clients that cannot.
 */
export const readerTime = (at: Date, fallback: string): string =>
  `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;

export const owner = (slackUserId: string | null): string =>
  slackUserId ? `<@${slackUserId}>` : "*nobody yet*";

/** A cadence's title in bold: titles are typed by admins, so they are escaped (src/slack/mrkdwn.ts). */
export const titleText = (title: string): string => `*${escapeInline(title)}*`;

/** The command that gives a cadence its DRI, as inline code a person can copy. */
const assignCommand = (title?: string): string =>
  inlineCode(`/cadence assign ${title ? title.toLowerCase() : "<cadence>"} @person`);

/** The short post every kind makes when it fires; later features replace some kinds' handlers. */
export function occurrenceAnnouncement(input: OccurrenceMessageInput): {
  text: string;
  blocks: KnownBlock[];
} {
  const purpose = purposeOf(input.kind);
  const blocks: KnownBlock[] = [
    // A header is plain_text, which Slack shows as typed: no escaping.
    header(`${input.title} is due`),
    section(
      `*DRI:* ${owner(input.driSlackUserId)}` +
        (input.driSlackUserId
          ? ""
          : `\nThis cadence has no owner. An admin can give it one: ${assignCommand(input.title)}`),
    ),
  ];
  if (purpose) blocks.push(section(`*What it is for:* ${purpose}`));
  const notes = [describeRecurrence(input.recurrence, input.timezone)];
  if (input.late) notes.push(lateNote(input.dueAt, input.timezone));
  blocks.push(context(...notes));
  const text = `${escapeInline(input.title)} is due. DRI: ${input.driSlackUserId ? `<@${input.driSlackUserId}>` : "nobody yet"}${input.late ? " (posted late)" : ""}`;
  return { text, blocks };
}

export interface ListedCadence {
  title: string;
  active: boolean;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
  nextDueAt: Date | null;
  timezone: string;
  recurrence: Recurrence;
  /** With it, `/cadence list` offers an Edit button for the cadence. */
  id?: string;
}

/** One line per cadence for `/cadence list`: the unassigned ones first, so they get noticed. */
export function cadenceListBlocks(cadences: ListedCadence[]): KnownBlock[] {
  if (cadences.length === 0) return [section("No cadences yet.")];
  const ordered = [...cadences].sort(
    (a, b) =>
      Number(Boolean(a.driSlackUserId)) - Number(Boolean(b.driSlackUserId)) ||
      (a.nextDueAt?.getTime() ?? Infinity) - (b.nextDueAt?.getTime() ?? Infinity) ||
      a.title.localeCompare(b.title),
  );
  const lines = ordered.map((c) => {
    const warning = c.driSlackUserId ? "" : ":warning: ";
    const next = !c.active
      ? "paused"
      : c.nextDueAt
        ? `next ${formatInstant(c.nextDueAt, c.timezone)}`
        : "waiting for completion";
    return `${warning}${titleText(c.title)}: DRI ${owner(c.driSlackUserId)}, backup ${owner(c.backupSlackUserId)}, ${next}\n      _${describeRecurrence(c.recurrence, c.timezone)}_`;
  });
  const blocks: KnownBlock[] = [header("Cadences")];
  // A section holds at most 3,000 characters: group lines so long lists still fit.
  let chunk = "";
  for (const line of lines) {
    if (chunk.length + line.length + 1 > 2_900) {
      blocks.push(section(chunk));
      chunk = "";
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) blocks.push(section(chunk));
  const unassigned = cadences.filter((c) => !c.driSlackUserId).length;
  blocks.push(
    context(
      unassigned ? `${unassigned} without a DRI: ${assignCommand()}` : "Every cadence has a DRI.",
    ),
  );
  blocks.push(...editButtonRows(ordered));
  return blocks;
}

/** "Edit <title>" buttons under the list, 25 to a row as Slack allows (./edit-modal.ts). */
export function editButtonRows(cadences: ListedCadence[]): KnownBlock[] {
  const editable = cadences.filter((c): c is ListedCadence & { id: string } => Boolean(c.id));
  const rows: KnownBlock[] = [];
  for (let start = 0; start < editable.length && rows.length < 4; start += 25)
    rows.push({
      type: "actions",
      block_id: `cadence_edit_buttons_${start}`,
      elements: editable.slice(start, start + 25).map((c) => editButton(c.id, `Edit ${c.title}`)),
    });
  return rows;
}

/**
 * Buttons to pick among cadences a name matched, carrying the rest of the command. `message` is
 * mrkdwn from src/cadences/service.ts, which must escape the titles it quotes; labels are plain_text.
 */
export function chooseCadenceBlocks(
  message: string,
  titles: string[],
  op: string,
  person?: string,
): KnownBlock[] {
  return [
    section(message),
    {
      type: "actions",
      block_id: "cadence_pick",
      elements: titles.slice(0, 25).map((title, index) => ({
        type: "button",
        action_id: `cadence_pick_${index}`,
        text: { type: "plain_text", text: title.slice(0, 75) },
        value: JSON.stringify({ op, title, person }),
      })),
    },
  ];
}

export const ACTIONS = {
  markDone: "cadence_mark_done",
  snooze: "cadence_snooze_day",
  handOver: "cadence_hand_over",
  skipOccurrence: "cadence_skip_occurrence",
  moveOccurrence: "cadence_move_occurrence",
} as const;

/** Edit (a cadence's settings) and New cadence: the edit modal is in ./edit-modal.ts. */
export const EDIT_ACTIONS = { edit: "cadence_edit", create: "cadence_new" } as const;

/** The Edit button for one cadence (value: its id). */
export function editButton(cadenceId: string, label = "Edit") {
  return {
    type: "button" as const,
    action_id: EDIT_ACTIONS.edit,
    text: { type: "plain_text" as const, text: label.slice(0, 75) },
    value: cadenceId,
  };
}

/**
 * Mark done, Snooze a day, Hand over: the same buttons in reminders and the Home tab. Given the
 * due time they refer to, Skip this one and Move to… follow, carrying it with the cadence's id
 * (read back by src/cadences/occurrence-listeners.ts).
 */
export function driButtons(cadenceId: string, dueAt: Date | null = null): KnownBlock {
  const occurrence = JSON.stringify({ cadenceId, dueAt: dueAt?.toISOString() });
  const occurrenceButtons = dueAt
    ? [
        {
          type: "button" as const,
          action_id: ACTIONS.skipOccurrence,
          text: { type: "plain_text" as const, text: "Skip this one" },
          value: occurrence,
        },
        {
          type: "button" as const,
          action_id: ACTIONS.moveOccurrence,
          text: { type: "plain_text" as const, text: "Move to…" },
          value: occurrence,
        },
      ]
    : [];
  return {
    type: "actions",
    block_id: `dri_actions:${cadenceId}`,
    elements: [
      {
        type: "button",
        action_id: ACTIONS.markDone,
        text: { type: "plain_text", text: "Mark done" },
        style: "primary",
        value: cadenceId,
      },
      {
        type: "button",
        action_id: ACTIONS.snooze,
        text: { type: "plain_text", text: "Snooze a day" },
        value: cadenceId,
      },
      {
        type: "button",
        action_id: ACTIONS.handOver,
        text: { type: "plain_text", text: "Hand over" },
        value: cadenceId,
      },
      ...occurrenceButtons,
    ],
  };
}

export function reminderMessage(input: {
  cadenceId: string;
  title: string;
  dueAt: Date;
  timezone: string;
  /** The recipient's own timezone, for the due time; the cadence's when unknown. */
  displayTimezone?: string | null;
  offsetMinutes: number;
  /** Sent to whoever covers while the DRI is away: the backup (a person) or the admin channel. */
  covering?: { dri: string; to: "person" | "admin-channel" } | null;
}): { text: string; blocks: KnownBlock[] } {
  const when =
    input.offsetMinutes >= 24 * 60
      ? "tomorrow"
      : input.offsetMinutes >= 60
        ? `in ${Math.round(input.offsetMinutes / 60)} hour${input.offsetMinutes >= 120 ? "s" : ""}`
        : `in ${input.offsetMinutes} minutes`;
  const who = !input.covering
    ? "You are its DRI."
    : input.covering.to === "person"
      ? `Its DRI <@${input.covering.dri}> is away: you are covering for them.`
      : `Its DRI <@${input.covering.dri}> is away and nobody else covers it.`;
  const text = `Reminder: ${titleText(input.title)} is due ${when} (${formatInstant(input.dueAt, input.displayTimezone ?? input.timezone)}). ${who}`;
  // A covering backup may not change the cadence (src/cadences/rules.ts), so gets no buttons.
  if (input.covering?.to === "person") return { text, blocks: [section(text)] };
  return { text, blocks: [section(text), driButtons(input.cadenceId, input.dueAt)] };
}

/** Told to whoever covers for an away DRI, when the range begins and when it is over. */
export function coverNotice(input: {
  phase: "start" | "end";
  dri: string;
  /** The range's last day (YYYY-MM-DD), as it was set. */
  endsOn: string;
  to: "person" | "admin-channel";
  titles: string[];
}): { text: string; blocks: KnownBlock[] } {
  const titles = input.titles.map(titleText).join(", ");
  const text =
    input.phase === "start"
      ? input.to === "person"
        ? `:palm_tree: You are covering for <@${input.dri}> until ${input.endsOn}: ${titles}. Their reminders and escalations come to you meanwhile.`
        : `:palm_tree: <@${input.dri}> is away until ${input.endsOn} and nobody else covers ${titles}: their reminders and escalations come here meanwhile.`
      : input.to === "person"
        ? `<@${input.dri}> is back: you are no longer covering ${titles}.`
        : `<@${input.dri}> is back: reminders for ${titles} go to them again.`;
  return { text, blocks: [section(text)] };
}

export function escalationMessage(input: {
  title: string;
  dueAt: Date;
  timezone: string;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
}): { text: string; blocks: KnownBlock[] } {
  const text = `:rotating_light: ${titleText(input.title)} was due ${formatInstant(input.dueAt, input.timezone)} and is not marked done. DRI: ${owner(input.driSlackUserId)}, backup: ${owner(input.backupSlackUserId)}.`;
  return {
    text,
    blocks: [
      section(text),
      context(
        `The DRI or an admin can mark it done with ${inlineCode(`/cadence done ${input.title.toLowerCase()}`)}.`,
      ),
    ],
  };
}

/** `reason` is our own mrkdwn (it may mention the person who left); the titles are escaped. */
export function unassignedNotice(
  titles: string[],
  reason: string,
): { text: string; blocks: KnownBlock[] } {
  const text = `:warning: ${titles.length === 1 ? "A cadence has" : `${titles.length} cadences have`} no DRI ${reason}: ${titles.map(titleText).join(", ")}. Nobody is reminded until someone owns ${titles.length === 1 ? "it" : "them"}.`;
  return {
    text,
    blocks: [section(text), context(`Assign a DRI with ${assignCommand()}.`)],
  };
}

export const HAND_OVER_CALLBACK = "cadence_hand_over_modal";

/** The Hand over modal: one user picker. Where the button was is kept to update that message. */
export function handOverModal(
  cadenceId: string,
  title: string,
  origin: { channel: string; ts: string } | null,
): ModalView {
  return {
    type: "modal",
    callback_id: HAND_OVER_CALLBACK,
    private_metadata: JSON.stringify({ cadenceId, origin }),
    title: { type: "plain_text", text: "Hand over" },
    submit: { type: "plain_text", text: "Hand over" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(`Who takes over ${titleText(title)}? They become its DRI and are told so.`),
      {
        type: "input",
        block_id: "new_dri",
        label: { type: "plain_text", text: "New DRI" },
        element: {
          type: "users_select",
          action_id: "user",
          placeholder: { type: "plain_text", text: "Choose a person" },
        },
      },
    ],
  };
}
