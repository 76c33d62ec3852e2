// The Skip this one and Move to… modals (opened from the DRI buttons in reminders and the Home
// tab), and what they say once the change is made. The listeners are in ./occurrence-listeners.ts.
import type { KnownBlock, ModalView } from "@slack/types";
import { section } from "../slack/blocks.js";
import { escapeInline } from "../slack/mrkdwn.js";
import { formatInstant, readerTime, titleText } from "./views.js";

export const SKIP_OCCURRENCE_CALLBACK = "cadence_skip_occurrence_modal";
export const MOVE_OCCURRENCE_CALLBACK = "cadence_move_occurrence_modal";

/** Block and action ids of the modals' inputs, read back on submission. */
export const OCCURRENCE_INPUTS = {
  reason: { block: "reason", action: "text" },
  when: { block: "when", action: "at" },
} as const;

/** The longest reason kept: it is shown in the confirmation, the DRI's DM and the history. */
export const MAX_REASON_CHARS = 200;

/**
 * Where the modal came from, kept in private_metadata: the message to replace with the
 * confirmation, or the Home tab to republish; neither (a forwarded button) means a DM.
 */
export type OccurrenceOrigin =
  { surface: "message"; channel: string; ts: string } | { surface: "home" } | { surface: "dm" };

export interface OccurrenceModalInput {
  cadenceId: string;
  title: string;
  timezone: string;
  /** The due time the button referred to, as the person saw it. */
  dueAt: Date;
  origin: OccurrenceOrigin;
}

const reasonInput = (): KnownBlock => ({
  type: "input",
  block_id: OCCURRENCE_INPUTS.reason.block,
  optional: true,
  label: { type: "plain_text", text: "Reason (optional)" },
  element: {
    type: "plain_text_input",
    action_id: OCCURRENCE_INPUTS.reason.action,
    max_length: MAX_REASON_CHARS,
    placeholder: { type: "plain_text", text: "e.g. the team is at the offsite" },
  },
});

const metadata = (input: OccurrenceModalInput) =>
  JSON.stringify({
    cadenceId: input.cadenceId,
    dueAt: input.dueAt.toISOString(),
    origin: input.origin,
  });

export function skipOccurrenceModal(input: OccurrenceModalInput): ModalView {
  return {
    type: "modal",
    callback_id: SKIP_OCCURRENCE_CALLBACK,
    private_metadata: metadata(input),
    title: { type: "plain_text", text: "Skip this one" },
    submit: { type: "plain_text", text: "Skip it" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        `Skip ${titleText(input.title)} on ${formatInstant(input.dueAt, input.timezone)}? It is not posted, reminded or escalated; the dates after it stay as they are.`,
      ),
      reasonInput(),
    ],
  };
}

export function moveOccurrenceModal(input: OccurrenceModalInput): ModalView {
  return {
    type: "modal",
    callback_id: MOVE_OCCURRENCE_CALLBACK,
    private_metadata: metadata(input),
    title: { type: "plain_text", text: "Move to…" },
    submit: { type: "plain_text", text: "Move it" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        `Move ${titleText(input.title)}, due ${formatInstant(input.dueAt, input.timezone)} (${readerTime(input.dueAt, formatInstant(input.dueAt, "UTC"))} your time), to another date and time. The picker shows your own timezone. Reminders and escalation follow the new time; the dates after it stay as they are.`,
      ),
      {
        type: "input",
        block_id: OCCURRENCE_INPUTS.when.block,
        label: { type: "plain_text", text: "New date and time" },
        element: {
          type: "datetimepicker",
          action_id: OCCURRENCE_INPUTS.when.action,
          initial_date_time: Math.floor(input.dueAt.getTime() / 1000),
        },
      },
      reasonInput(),
    ],
  };
}

/** The confirmation the person sees: the use case's message, with the reason quoted. */
export function occurrenceConfirmation(
  kind: "skip" | "move",
  message: string,
  note: string | null,
): string {
  const icon = kind === "skip" ? ":fast_forward:" : ":calendar:";
  return `${icon} ${message}${note ? ` Reason: ${escapeInline(note)}` : ""}`;
}
