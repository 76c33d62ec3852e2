// The diagnostic's Block Kit: the DM with "Take the diagnostic", the modal of questions, the
// confirmation, the cadence's announcement and the results (aggregates only, never a person).
import type { KnownBlock, ModalView } from "@slack/types";
import { formatInstant } from "../cadences/views.js";
import { context, fallbackText, header, section } from "../slack/blocks.js";
import {
  MIN_ANSWERS,
  NOTABLE_GAP,
  QUESTIONS,
  SCALE,
  SCALE_LABELS,
  TIERS,
  quarterLabel,
  roundScore,
  type DiagnosticResults,
  type SideResult,
} from "./rules.js";

export const OPEN_DIAGNOSTIC = "diagnostic_open";
export const DIAGNOSTIC_VIEW = "diagnostic_answers";

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

const message = (blocks: KnownBlock[]): Message => ({ text: fallbackText(blocks), blocks });

const ANONYMITY = `Anonymous: results show only averages per team, and none for a team with fewer than ${MIN_ANSWERS} answers.`;

/** The DM to each member of the two teams, and the reminder to those who have not answered. */
export function askMessage(
  round: { id: string; quarter: string; closesAt: Date },
  timezone: string,
  reminder: boolean,
): Message {
  const until = formatInstant(round.closesAt, timezone);
  return message([
    section(
      reminder
        ? `:wave: Reminder: the *alignment diagnostic for ${quarterLabel(round.quarter)}* is open until ${until}, and your answers are not in yet. Ten questions on a 1-5 scale, about two minutes.`
        : `:bar_chart: *Alignment diagnostic, ${quarterLabel(round.quarter)}*: how well do marketing and sales work together this quarter? Ten questions on a 1-5 scale, about two minutes; open until ${until}.`,
    ),
    context(ANONYMITY),
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: OPEN_DIAGNOSTIC,
          style: "primary",
          text: { type: "plain_text", text: "Take the diagnostic" },
          value: round.id,
        },
      ],
    },
  ]);
}

/** The modal: one required 1-5 choice per question. */
export function diagnosticModal(round: { id: string; quarter: string }): ModalView {
  return {
    type: "modal",
    callback_id: DIAGNOSTIC_VIEW,
    private_metadata: JSON.stringify({ roundId: round.id }),
    title: { type: "plain_text", text: "Alignment diagnostic" },
    submit: { type: "plain_text", text: "Send answers" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      section(
        `*${quarterLabel(round.quarter)}*: how true is each statement for your company today? 1 means not at all, 5 fully.`,
      ),
      context(ANONYMITY),
      ...QUESTIONS.map((question, i): KnownBlock => ({
        type: "input",
        block_id: question.id,
        label: { type: "plain_text", text: `${i + 1}. ${question.text}` },
        element: {
          type: "radio_buttons",
          action_id: question.id,
          options: SCALE.map((score) => ({
            text: { type: "plain_text", text: SCALE_LABELS[score] },
            value: String(score),
          })),
        },
      })),
    ],
  };
}

export function answeredMessage(quarter: string, closesAt: Date, timezone: string): Message {
  return message([
    section(
      `:white_check_mark: Thank you: your answers to the *alignment diagnostic for ${quarterLabel(quarter)}* are in. The results come when it closes, ${formatInstant(closesAt, timezone)}.`,
    ),
    context(`${ANONYMITY} Your name is not stored with your answers.`),
  ]);
}

/** The cadence's own post when the diagnostic opens. */
export function openedMessage(input: {
  quarter: string;
  closesAt: Date;
  timezone: string;
  asked: { marketing: number; sales: number };
  missingGroups: Array<"marketing" | "sales">;
  unreadableGroups: Array<"marketing" | "sales">;
  driSlackUserId: string | null;
}): Message {
  const lines = [
    `:bar_chart: *Alignment diagnostic, ${quarterLabel(input.quarter)}* is open until ${formatInstant(input.closesAt, input.timezone)}.`,
    `Asked ${input.asked.marketing} in marketing and ${input.asked.sales} in sales by DM; results are posted here when it closes.`,
  ];
  if (input.missingGroups.length)
    lines.push(
      `No ${input.missingGroups.join(" or ")} team is set: an admin sets them with ${input.missingGroups.map((side) => `\`/cadence ${side} @${side}-team\``).join(" and ")} (a user group).`,
    );
  if (input.unreadableGroups.length)
    lines.push(
      `Slack could not list the ${input.unreadableGroups.join(" and ")} user group${input.unreadableGroups.length > 1 ? "s" : ""} (deleted or disabled?), so nobody there was asked: an admin sets ${input.unreadableGroups.length > 1 ? "them" : "it"} again with ${input.unreadableGroups.map((side) => `\`/cadence ${side} @${side}-team\``).join(" and ")}.`,
    );
  return message([
    section(lines.join("\n")),
    context(ANONYMITY, input.driSlackUserId ? `DRI: <@${input.driSlackUserId}>` : "No DRI yet"),
  ]);
}

const score = (value: number | null): string =>
  value === null ? "  –" : roundScore(value).toFixed(1).padStart(3);
const signed = (value: number | null): string => {
  if (value === null) return "   –";
  const shown = roundScore(value);
  return `${shown > 0 ? "+" : shown < 0 ? "−" : "±"}${Math.abs(shown).toFixed(1)}`;
};

function sideLine(side: SideResult): string {
  const name = side.side === "marketing" ? "Marketing" : "Sales";
  const base = `${name}: ${side.answered} of ${side.asked} answered`;
  return side.patterns
    ? `${base}, average ${score(side.score).trim()}`
    : `${base}: fewer than ${MIN_ANSWERS} answers, so no figures are shown for this team`;
}

/** The results: score per pattern side by side, the gaps, the tier and the change since last quarter. */
export function resultsMessage(results: DiagnosticResults, driSlackUserId: string | null): Message {
  const title = header(`Alignment diagnostic · ${quarterLabel(results.quarter)}`);
  const sides = section(
    [sideLine(results.sides.marketing), sideLine(results.sides.sales)].join("\n"),
  );
  const footer = context(ANONYMITY, driSlackUserId ? `DRI: <@${driSlackUserId}>` : "No DRI yet");
  if (results.score === null || !results.tier)
    return message([
      title,
      section(
        `:lock: Not enough answers to show results anonymously: each team needs at least ${MIN_ANSWERS}.`,
      ),
      sides,
      footer,
    ]);
  const tierLine =
    `*Overall ${score(results.score).trim()} / 5: tier ${results.tier.tier} of ${TIERS.length}, ${results.tier.name}.*` +
    (results.previous && results.change !== null
      ? ` Last quarter (${quarterLabel(results.previous.quarter)}): ${score(results.previous.score).trim()}, ${results.previous.tierName}; change ${signed(results.change)}.`
      : " No earlier quarter to compare with.");
  const width = Math.max(...results.patterns.map((p) => p.label.length));
  const table = [
    `${"Pattern".padEnd(width)}  Mktg  Sales   Gap  Change`,
    ...results.patterns.map(
      (p) =>
        `${p.label.padEnd(width)}  ${score(p.marketing).padStart(4)}  ${score(p.sales).padStart(5)}  ${signed(p.gap).padStart(4)}  ${signed(p.change).padStart(6)}`,
    ),
  ].join("\n");
  const gaps = results.patterns
    .filter((p) => p.gap !== null && Math.abs(roundScore(p.gap)) >= NOTABLE_GAP)
    .sort((a, b) => Math.abs(b.gap!) - Math.abs(a.gap!));
  const lowest = [...results.patterns]
    .filter((p) => p.team !== null)
    .sort((a, b) => a.team! - b.team!)[0];
  const notes = [
    gaps.length
      ? `:warning: *The teams see it differently* (a gap of ${NOTABLE_GAP} point or more): ${gaps.map((p) => `${p.label} (${signed(p.gap)}, ${p.gap! > 0 ? "marketing" : "sales"} higher)`).join("; ")}.`
      : results.sides.marketing.patterns && results.sides.sales.patterns
        ? `No pattern shows a gap of ${NOTABLE_GAP} point or more between the teams.`
        : "Only one team had enough answers, so there are no gaps to compare.",
    lowest ? `Lowest: *${lowest.label}* (${score(lowest.team).trim()}): start there.` : "",
  ].filter(Boolean);
  return message([
    title,
    section(tierLine),
    sides,
    section(`\`\`\`\n${table}\n\`\`\``),
    section(notes.join("\n")),
    footer,
  ]);
}
