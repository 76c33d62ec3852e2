// How the monthly roll-up reads in Slack: outcomes, reasons, competitors with win rates,
// objections no content covers, assets by use, quotes, and the summary of themes (saying which
// summary it is). Pure, and inside Block Kit's limits however many notes the month has.
import type { KnownBlock, SectionBlock } from "@slack/types";
import { SLACK_LIMITS, context, divider, header, section } from "../slack/blocks.js";
import { escapeInline, escapeMrkdwn, quoteUntrusted, truncate } from "../slack/mrkdwn.js";
import type { RollUp } from "./rollup.js";
import { percent, type ThemeSummary } from "./summary.js";

export interface RollUpPresentation {
  /** e.g. "May 2026" */
  monthLabel: string;
  driSlackUserId?: string | null;
}

const NAME_CHARS = 80;
const QUOTE_CHARS = 500;
const TEXT_LIST_ITEMS = 10;

/** Feedback is typed by people: "<!channel>" in a note must not ping anyone. */
const name = (text: string) => escapeInline(text, NAME_CHARS);
const count = (value: number) => value.toLocaleString("en-US");
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** A titled list cut to fit one section, saying how many lines were left out. */
function listSection(title: string, lines: string[]): SectionBlock {
  const room = SLACK_LIMITS.sectionText - 40; // for "…and 1,234 more"
  let text = title;
  let shown = 0;
  for (const line of lines) {
    if (text.length + 1 + line.length > room) break;
    text += `\n${line}`;
    shown += 1;
  }
  if (shown < lines.length) text += `\n…and ${count(lines.length - shown)} more`;
  return section(text);
}

/** A model writes Markdown; Slack reads mrkdwn. */
function modelTextAsMrkdwn(text: string): string {
  return escapeMrkdwn(text)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/^\s*#{1,6}\s+(.+)$/gm, "*$1*")
    .replace(/^\s*[-*]\s+/gm, "• ");
}

export function summaryNote(summary: ThemeSummary): string {
  return summary.source === "model"
    ? `Summary by ${summary.model}`
    : `Summary computed without a language model: ${summary.reason}`;
}

const reasons = (rows: Array<{ reason: string; count: number }>) =>
  rows.map((r) => `${name(r.reason)} ${count(r.count)}`).join(" · ") || "–";

function winLossBlocks(rollUp: RollUp): KnownBlock[] {
  const w = rollUp.winLoss;
  if (w.total === 0) return [];
  const blocks: KnownBlock[] = [
    section(
      `*Top reasons won*: ${reasons(w.topReasonsWon)}\n` +
        `*Top reasons lost* (lost and no decision): ${reasons(w.topReasonsLost)}`,
    ),
  ];
  if (w.competitors.length) {
    blocks.push(
      listSection(
        "*Competitors* (win rate over won and lost deals; no decision left out)",
        w.competitors.map(
          (c) =>
            `• *${name(c.name)}*: ${plural(c.deals, "deal")}, ${count(c.won)} won, ${count(c.lost)} lost, win rate ${percent(c.winRate)}`,
        ),
      ),
    );
  }
  return blocks;
}

function contentBlocks(rollUp: RollUp): KnownBlock[] {
  const c = rollUp.content;
  if (c.total === 0) return [];
  const blocks: KnownBlock[] = [];
  if (c.uncoveredObjections.length) {
    blocks.push(
      listSection(
        "*Objections no content covers*",
        c.uncoveredObjections.map((o) => {
          // The first example is the theme's own wording.
          const others = o.examples.slice(1).map((e) => `“${name(e)}”`);
          return `• *${name(o.theme)}* ×${count(o.count)}${others.length ? `: also ${others.join(", ")}` : ""}`;
        }),
      ),
    );
  }
  if (c.assets.length) {
    blocks.push(
      listSection(
        "*Assets in deals* (by use)",
        c.assets.map(
          (a) =>
            `• *${name(a.asset)}*: used ${count(a.used)}, helped ${count(a.helped)}, neutral ${count(a.neutral)}, hurt ${count(a.hurt)} (helped ${percent(a.helpedRate)})`,
        ),
      ),
    );
  }
  return blocks;
}

export function rollUpBlocks(
  rollUp: RollUp,
  summary: ThemeSummary,
  how: RollUpPresentation,
): KnownBlock[] {
  const w = rollUp.winLoss;
  const c = rollUp.content;
  const blocks: KnownBlock[] = [header(`Field feedback · ${how.monthLabel}`)];
  if (w.total === 0 && c.total === 0) {
    blocks.push(section(`No field feedback was submitted for ${escapeMrkdwn(how.monthLabel)}.`));
  } else {
    // A collection is of one kind; a count that can only be zero is noise.
    const fields = [
      ...(w.total
        ? [
            `*Won*\n${count(w.byOutcome.won)}`,
            `*Lost*\n${count(w.byOutcome.lost)}`,
            `*No decision*\n${count(w.byOutcome.no_decision)}`,
          ]
        : []),
      ...(c.total
        ? [`*Content notes*\n${count(c.total)}`, `*Assets used*\n${count(c.assets.length)}`]
        : []),
    ];
    blocks.push({
      type: "section",
      fields: fields.map((text) => ({ type: "mrkdwn" as const, text })),
    });
  }
  blocks.push(...winLossBlocks(rollUp), ...contentBlocks(rollUp));
  if (rollUp.quotes.length) {
    blocks.push(
      listSection(
        "*Worth reading*",
        rollUp.quotes.map((q) => `${quoteUntrusted(q.text, QUOTE_CHARS)}\n— _${name(q.context)}_`),
      ),
    );
  }
  blocks.push(
    divider(),
    section(`*Themes*\n${modelTextAsMrkdwn(summary.text)}`),
    context(
      escapeMrkdwn(summaryNote(summary)),
      how.driSlackUserId
        ? `DRI: <@${how.driSlackUserId}>`
        : "No DRI yet: `/cadence assign &lt;cadence&gt; @person`",
    ),
  );
  return blocks.slice(0, SLACK_LIMITS.blocksPerMessage);
}

/** Plain text of the roll-up: the notification fallback, and what the CLI prints. */
export function rollUpText(rollUp: RollUp, summary: ThemeSummary): string {
  const w = rollUp.winLoss;
  const c = rollUp.content;
  const top = <T>(rows: T[], line: (row: T) => string) =>
    rows.slice(0, TEXT_LIST_ITEMS).map(line).join("; ") +
    (rows.length > TEXT_LIST_ITEMS ? `; …and ${count(rows.length - TEXT_LIST_ITEMS)} more` : "");
  const clip = (text: string) => truncate(text, NAME_CHARS);
  const lines = [`Field feedback · ${rollUp.month}`];
  if (w.total === 0 && c.total === 0) lines.push("No field feedback was submitted.");
  if (w.total > 0) {
    const o = w.byOutcome;
    const plainReasons = (rows: typeof w.topReasonsWon) =>
      top(rows, (r) => `${clip(r.reason)} ${r.count}`) || "–";
    lines.push(
      `Win/loss: ${plural(w.total, "note")} (${o.won} won, ${o.lost} lost, ${o.no_decision} no decision)`,
      `Top reasons won: ${plainReasons(w.topReasonsWon)}`,
      `Top reasons lost (lost and no decision): ${plainReasons(w.topReasonsLost)}`,
    );
    if (w.competitors.length) {
      lines.push(
        `Competitors: ${top(w.competitors, (x) => `${clip(x.name)} ${plural(x.deals, "deal")}, win rate ${percent(x.winRate)}`)}`,
      );
    }
  }
  if (c.total > 0) {
    lines.push(`Content: ${plural(c.total, "note")}`);
    if (c.assets.length) {
      lines.push(
        `Assets: ${top(c.assets, (a) => `${clip(a.asset)} used ${a.used}, helped ${percent(a.helpedRate)}`)}`,
      );
    }
    if (c.uncoveredObjections.length) {
      lines.push(
        `Objections no content covers: ${top(c.uncoveredObjections, (o) => `${clip(o.theme)} (${o.count})`)}`,
      );
    }
  }
  if (rollUp.quotes.length) {
    lines.push("Worth reading:");
    for (const q of rollUp.quotes)
      lines.push(`  “${truncate(q.text, QUOTE_CHARS)}” (${q.context})`);
  }
  lines.push(`Themes (${summaryNote(summary)}):`, summary.text);
  return lines.join("\n");
}
