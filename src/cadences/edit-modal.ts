// Block Kit for editing and creating cadences: the modal (every field pre-filled from the
// cadence), the Edit and New cadence buttons, and the confirmation. What the fields mean is in
// ./editing.ts.
import type { KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { z } from "zod";
import { context, section } from "../slack/blocks.js";
import { escapeMrkdwn } from "../slack/mrkdwn.js";
import {
  everyOf,
  FIELD_ACTION,
  FIELDS,
  HOLIDAY_CHOICES,
  NTHS,
  offsetLabel,
  REMINDER_CHOICES,
  RHYTHMS,
  rhythmOf,
  weekdayLabel,
  type CadenceSettings,
  type FieldBlock,
} from "./editing.js";
import { WEEKDAYS } from "./recurrence.js";
import { HOLIDAY_POLICIES } from "./schedule.js";
import { EDIT_ACTIONS, formatInstant, titleText } from "./views.js";

export { EDIT_ACTIONS, editButton } from "./views.js";

export const EDIT_CALLBACK = "cadence_edit_modal";

/**
 * private_metadata: which cadence (null: a new one), where the modal was opened, and the
 * fingerprint of the settings it was opened with (./editing.ts settingsFingerprint; null for a
 * new one), so a save after someone else's edit is refused instead of undoing it.
 */
export const EditMetaSchema = z.object({
  cadenceId: z.string().min(1).max(64).nullable(),
  fromHome: z.boolean(),
  fingerprint: z.string().min(1).max(64).nullish(),
});
export type EditMeta = z.infer<typeof EditMetaSchema>;

const plain = (text: string) => ({ type: "plain_text" as const, text: text.slice(0, 75) });
const option = (value: string, label: string): PlainTextOption => ({ text: plain(label), value });

function inputBlock(
  block: FieldBlock,
  label: string,
  element: Record<string, unknown>,
  extra: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return {
    type: "input",
    block_id: block,
    label: plain(label),
    optional: extra.optional ?? false,
    ...(extra.hint ? { hint: { type: "plain_text", text: extra.hint } } : {}),
    element: { action_id: FIELD_ACTION, ...element },
  } as KnownBlock;
}

/** The edit modal; `cadenceId` null makes it the New cadence modal (a custom cadence). */
export function editCadenceModal(input: {
  meta: EditMeta;
  settings: CadenceSettings;
  titleEditable: boolean;
}): ModalView {
  const { settings, meta } = input;
  const isNew = meta.cadenceId === null;
  const r = settings.recurrence;
  const weekdays = r.kind === "weekly" ? r.weekdays : [];
  const every = everyOf(r);
  const monthly = r.kind === "monthly" ? r : null;
  const reminderOptions = [
    ...REMINDER_CHOICES.map((c) => option(String(c.minutes), c.label)),
    // An offset set some other way (it is kept unless unticked) must be an option to be shown.
    ...settings.reminderOffsetsMinutes
      .filter((m) => !REMINDER_CHOICES.some((c) => c.minutes === m))
      .map((m) => option(String(m), `${offsetLabel(m)} before`)),
  ];
  const reminderInitial = reminderOptions.filter((o) =>
    settings.reminderOffsetsMinutes.includes(Number(o.value)),
  );
  const rhythm = RHYTHMS.find((x) => x.value === rhythmOf(r))!;
  const blocks: KnownBlock[] = [
    input.titleEditable
      ? inputBlock(FIELDS.title, "Title", {
          type: "plain_text_input",
          max_length: 80,
          ...(settings.title ? { initial_value: settings.title } : {}),
          placeholder: plain("e.g. Pipeline hygiene check"),
        })
      : section(`Editing ${titleText(settings.title)} (a standard cadence keeps its title).`),
    inputBlock(FIELDS.rhythm, "Rhythm", {
      type: "static_select",
      options: RHYTHMS.map((x) => option(x.value, x.label)),
      initial_option: option(rhythm.value, rhythm.label),
    }),
    context(
      "Only the fields the chosen rhythm needs are read: weekdays for the weekly ones, N for every N weeks or months, the day or the Nth weekday for the monthly ones.",
    ),
    inputBlock(
      FIELDS.weekdays,
      "Weekdays",
      {
        type: "checkboxes",
        options: WEEKDAYS.map((d) => option(d, weekdayLabel(d))),
        ...(weekdays.length
          ? {
              initial_options: WEEKDAYS.filter((d) => weekdays.includes(d)).map((d) =>
                option(d, weekdayLabel(d)),
              ),
            }
          : {}),
      },
      { optional: true },
    ),
    inputBlock(
      FIELDS.every,
      "N (weeks or months)",
      {
        type: "number_input",
        is_decimal_input: false,
        min_value: "1",
        max_value: "24",
        ...(every ? { initial_value: String(every) } : {}),
      },
      {
        optional: true,
        hint: "Every N weeks: 2 to 8. Monthly: every N months (1 = each month). After completion: N months.",
      },
    ),
    inputBlock(
      FIELDS.dayOfMonth,
      "Day of the month",
      {
        type: "number_input",
        is_decimal_input: false,
        min_value: "1",
        max_value: "31",
        ...(monthly?.on.type === "day" ? { initial_value: String(monthly.on.day) } : {}),
      },
      { optional: true },
    ),
    inputBlock(
      FIELDS.nth,
      "Which one of the month",
      {
        type: "static_select",
        options: NTHS.map((n) => option(n.value, n.label)),
        ...(monthly?.on.type === "weekday"
          ? {
              initial_option: option(
                String(monthly.on.nth),
                NTHS.find((n) => Number(n.value) === (monthly.on as { nth: number }).nth)!.label,
              ),
            }
          : {}),
      },
      { optional: true },
    ),
    inputBlock(
      FIELDS.nthWeekday,
      "Weekday of the month",
      {
        type: "static_select",
        options: WEEKDAYS.map((d) => option(d, weekdayLabel(d))),
        ...(monthly?.on.type === "weekday"
          ? { initial_option: option(monthly.on.weekday, weekdayLabel(monthly.on.weekday)) }
          : {}),
      },
      { optional: true },
    ),
    inputBlock(FIELDS.time, "Local time", { type: "timepicker", initial_time: r.time }),
    inputBlock(
      FIELDS.timezone,
      "Timezone",
      { type: "plain_text_input", initial_value: settings.timezone, max_length: 64 },
      { hint: "An IANA name, e.g. America/New_York or Europe/Paris." },
    ),
    inputBlock(
      FIELDS.channel,
      "Channel",
      {
        type: "conversations_select",
        filter: { include: ["public", "private"], exclude_bot_users: true },
        ...(settings.channelId ? { initial_conversation: settings.channelId } : {}),
      },
      { optional: true, hint: "Where it posts when due. Empty: the DRI's DM." },
    ),
    inputBlock(
      FIELDS.reminders,
      "Reminders to the DRI",
      {
        type: "multi_static_select",
        options: reminderOptions,
        ...(reminderInitial.length ? { initial_options: reminderInitial } : {}),
      },
      { optional: true },
    ),
    inputBlock(
      FIELDS.grace,
      "Escalate after (hours)",
      {
        type: "number_input",
        is_decimal_input: true,
        min_value: "1",
        max_value: "336",
        initial_value: String(Math.round((settings.escalationGraceMinutes / 60) * 100) / 100),
      },
      { hint: "How long after the due time an occurrence not marked done is escalated." },
    ),
    inputBlock(
      FIELDS.dri,
      "DRI",
      {
        type: "users_select",
        ...(settings.driSlackUserId ? { initial_user: settings.driSlackUserId } : {}),
      },
      { optional: true, hint: "One named person, never a team." },
    ),
    inputBlock(
      FIELDS.backup,
      "Backup",
      {
        type: "users_select",
        ...(settings.backupSlackUserId ? { initial_user: settings.backupSlackUserId } : {}),
      },
      { optional: true },
    ),
    inputBlock(FIELDS.holidays, "On a workspace holiday", {
      type: "radio_buttons",
      options: HOLIDAY_POLICIES.map((p) => option(p, HOLIDAY_CHOICES[p])),
      initial_option: option(settings.holidayPolicy, HOLIDAY_CHOICES[settings.holidayPolicy]),
    }),
  ];
  return {
    type: "modal",
    callback_id: EDIT_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain(isNew ? "New cadence" : "Edit cadence"),
    submit: plain(isNew ? "Create" : "Save"),
    close: plain("Cancel"),
    blocks,
  };
}

/** "New cadence", for admins. */
export function newCadenceButton() {
  return {
    type: "button" as const,
    action_id: EDIT_ACTIONS.create,
    text: plain("New cadence"),
    value: "new",
  };
}

/**
 * A history summary as stored (./editing.ts describeChanges, a skip's or move's line in
 * ./occurrence-changes.ts, a holiday's, an archive's), shown in mrkdwn. Its writers escape what
 * people typed (escapeInline) and write our own user and channel mentions live, so it is shown as
 * stored; anything else that Slack would read as markup (a `<` that is not one of our mentions, a
 * bare `&`, an @channel) is escaped here too, so no summary written another way can ping anyone.
 */
export function summaryMrkdwn(summary: string): string {
  return (
    summary
      .split(/(<[@#][UWCGD][A-Z0-9]+>)/)
      // Escaping doubles every "&": the entities the writers made are given back as they were.
      .map((part, i) =>
        i % 2 === 1 ? part : escapeMrkdwn(part).replace(/&amp;(amp|lt|gt);/g, "&$1;"),
      )
      .join("")
  );
}

/** The confirmation after a save: what changed, and the next dates before and after. */
export function editConfirmation(input: {
  title: string;
  created: boolean;
  changes: string[];
  before: Date[];
  after: Date[];
  timezone: string;
  removedExceptions: number;
  active: boolean;
  /** An occurrence already due when the edit was saved: posted now, at its old time. */
  postedNow?: Date | null;
}): string {
  const dates = (list: Date[]) =>
    list.length ? list.map((d) => formatInstant(d, input.timezone)).join("; ") : "none scheduled";
  const lines = [
    input.created
      ? `:sparkles: Created ${titleText(input.title)}.`
      : input.changes.length
        ? `:pencil2: Saved ${titleText(input.title)}: ${input.changes.map(summaryMrkdwn).join("; ")}.`
        : `Nothing changed in ${titleText(input.title)}.`,
  ];
  if (!input.active) lines.push("It is paused: no dates until someone resumes it.");
  else if (input.created) lines.push(`Next dates: ${dates(input.after)}.`);
  else if (input.changes.length) {
    lines.push(`Next dates before: ${dates(input.before)}.`);
    lines.push(`Next dates now: ${dates(input.after)}.`);
  }
  if (input.postedNow)
    lines.push(
      `The occurrence due ${formatInstant(input.postedNow, input.timezone)} was already due: it is posted now, and the new timing starts after that day.`,
    );
  if (input.removedExceptions)
    lines.push(
      `${input.removedExceptions} skipped or moved date${input.removedExceptions === 1 ? " was" : "s were"} not on the new rhythm and ${input.removedExceptions === 1 ? "was" : "were"} dropped.`,
    );
  return lines.join("\n");
}
