// How the digest reads: the Monday message (headline numbers with week-over-week arrows, speed to
// lead against the SLA, top rejection reasons, sourced vs influenced, the MQL-review alert, the
// DRI), the thread reply with per-rep, per-team and per-source tables, and plain text for the CLI.
// Pure, and always inside Block Kit's limits however many reps and sources there are.
import type { KnownBlock } from "@slack/types";
import { DateTime } from "luxon";
import { SLACK_LIMITS, context, header, section } from "../slack/blocks.js";
import { codeBlockSafe, escapeInline, singleLine, truncate } from "../slack/mrkdwn.js";
import type { Digest, Volumes } from "./digest.js";
import type { KeyedSpeedToLead } from "./metrics.js";

export const pct = (rate: number | null): string =>
  rate === null
    ? "–"
    : `${(rate * 100).toFixed(rate >= 0.995 || rate === 0 ? 0 : 1).replace(/\.0$/, "")}%`;

export const mins = (value: number | null): string =>
  value === null ? "–" : value < 10 ? `${value.toFixed(1)} min` : `${Math.round(value)} min`;

export const amount = (value: number): string =>
  value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const count = (value: number) => value.toLocaleString("en-US");

/** "▲ 3", "▼ 2" or "= 0" against last week. */
export function change(now: number, before: number): string {
  if (now === before) return "= 0";
  return now > before ? `▲ ${count(now - before)}` : `▼ ${count(before - now)}`;
}

/** A rejection reason is typed into the CRM: long ones are cut so three fit on a line. */
const REASON_CHARS = 80;

export function weekTitle(digest: Digest): string {
  const start = DateTime.fromISO(digest.week.start);
  const end = DateTime.fromISO(digest.week.end);
  const from = start.month === end.month ? start.toFormat("d") : start.toFormat("d LLL");
  return `${from}–${end.toFormat("d LLL yyyy")}`;
}

const STAGES: Array<[keyof Omit<Volumes, "wonAmount">, string]> = [
  ["mql", "MQLs"],
  ["sql", "Accepted (SQL)"],
  ["rejected", "Rejected"],
  ["opportunities", "Opportunities"],
  ["won", "Won"],
  ["lost", "Lost"],
];

export interface DigestPresentation {
  /** The weekly funnel review's DRI, mentioned at the bottom. */
  driSlackUserId?: string | null;
  /** The MQL-definition review's DRI, mentioned in the alert. */
  mqlReviewDriSlackUserId?: string | null;
  rejectionThreshold: number;
  /** Where the detail is, e.g. "Chart and tables in the thread". */
  detailNote?: string;
  /** Shown above everything, e.g. "Week so far" for `/cadence digest`. */
  heading?: string;
  /** Said when the post went out late, after downtime. */
  lateNote?: string;
}

/** The breaches escalated by the speed-to-lead watch, when it watched any of the week's MQLs. */
const escalationText = (digest: Digest): string =>
  digest.slaEscalations
    ? ` · ${count(digest.slaEscalations.manager)} breaches reached the manager, ${count(digest.slaEscalations.vp)} the VP`
    : "";

export function digestBlocks(digest: Digest, how: DigestPresentation): KnownBlock[] {
  const v = digest.volumes;
  const p = digest.previousVolumes;
  const s = digest.speedToLead;
  const c = digest.conversion;
  const blocks: KnownBlock[] = [
    header(`${how.heading ?? "Funnel digest"} · ${weekTitle(digest)}`),
    {
      type: "section",
      fields: STAGES.map(([key, label]) => ({
        type: "mrkdwn" as const,
        text: `*${label}*\n${count(v[key])}  ${change(v[key], p[key])}${key === "won" && v.wonAmount ? ` · ${amount(v.wonAmount)}` : ""}`,
      })),
    },
    section(
      `*MQL acceptance* ${pct(digest.acceptanceRate)} (${count(v.sql)} accepted, ${count(v.rejected)} rejected)\n` +
        `*Conversion* (MQLs of the last ${c.cohortWeeks} weeks): MQL→SQL ${pct(c.mqlToSql)} · SQL→Opp ${pct(c.sqlToOpp)} · Opp→Won ${pct(c.oppToWon)}`,
    ),
    section(
      `*Speed to lead* (SLA ${s.slaMinutes} min): *${pct(s.slaCompliance)}* within SLA · median ${mins(s.medianMinutes)} · p90 ${mins(s.p90Minutes)}` +
        (s.mqls ? ` · ${count(s.untouched)} of ${count(s.mqls)} MQLs not yet touched` : "") +
        escalationText(digest),
    ),
  ];
  if (digest.rejectionReasons.length) {
    const top = digest.rejectionReasons
      .slice(0, 3)
      .map((r) => `${escapeInline(r.reason, REASON_CHARS)} ${count(r.count)} (${pct(r.share)})`)
      .join(" · ");
    blocks.push(section(`*Top rejection reasons*: ${top}`));
  }
  const src = digest.sourcing;
  const newOpportunities = src.marketing + src.sales + src.partner + src.other;
  blocks.push(
    section(
      `*Sourced vs influenced* (${count(newOpportunities)} new opportunities): marketing-sourced ${count(src.marketing)} · sales ${count(src.sales)} · partner ${count(src.partner)} · other ${count(src.other)} · marketing-influenced ${count(src.influenced)}`,
    ),
  );
  if (digest.rejectionTrend.mqlReviewTriggered) {
    const months = digest.rejectionTrend.months
      .map((m) => `${DateTime.fromISO(m.month).toFormat("LLL")} ${pct(m.rejectionRate)}`)
      .join(", ");
    const who = how.mqlReviewDriSlackUserId
      ? `<@${how.mqlReviewDriSlackUserId}>, the MQL-definition review is due early.`
      : "The MQL-definition review is due early, and it has no DRI: assign one with `/cadence assign mql @person`.";
    blocks.push(
      section(
        `:rotating_light: *MQL rejection rate above ${pct(how.rejectionThreshold)} two months running* (${months}). ${who}`,
      ),
    );
  }
  const notes = [
    how.driSlackUserId
      ? `DRI: <@${how.driSlackUserId}>`
      : "No DRI yet: `/cadence assign funnel @person`",
    `Week of ${digest.week.start} to ${digest.week.end}, ${digest.week.timezone}`,
  ];
  if (how.detailNote) notes.push(how.detailNote);
  if (how.lateNote) notes.push(how.lateNote);
  blocks.push(context(...notes));
  return blocks;
}

const TABLES: Array<[keyof Pick<Digest["speedToLead"], "byRep" | "byTeam" | "bySource">, string]> =
  [
    ["byRep", "rep"],
    ["byTeam", "team"],
    ["bySource", "source"],
  ];

/** The thread reply: speed to lead per rep, team and source, as monospaced tables. */
export function digestThreadBlocks(digest: Digest): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  // Leave room for the notes that say a table was cut short.
  const budget = SLACK_LIMITS.blocksPerMessage - TABLES.length;
  for (const [key, label] of TABLES) {
    const rows = digest.speedToLead[key];
    blocks.push(section(`*Speed to lead by ${label}* (SLA ${digest.speedToLead.slaMinutes} min)`));
    if (!rows.length) {
      blocks.push(context("No MQLs this week."));
      continue;
    }
    const chunks = tableChunks(label, rows);
    const room = Math.max(1, Math.floor(budget / TABLES.length) - 1);
    for (const chunk of chunks.slice(0, room)) blocks.push(section(chunk.text));
    const shown = chunks.slice(0, room).reduce((sum, chunk) => sum + chunk.rows, 0);
    if (shown < rows.length)
      blocks.push(
        context(
          `…and ${rows.length - shown} more ${label}s: \`cadence digest --json\` lists every one.`,
        ),
      );
  }
  return blocks;
}

/**
 * A table as monospaced chunks that each fit a section. `cell` makes a padded cell safe where the
 * table goes: `codeBlockSafe` inside Slack's ``` fences (a rep named "```" cannot close them).
 */
function tableChunks(
  label: string,
  rows: KeyedSpeedToLead[],
  cell: (text: string) => string = codeBlockSafe,
): Array<{ text: string; rows: number }> {
  // Keys come from CRM rows: one line each, measured and padded as people will read them.
  const keys = rows.map((r) => singleLine(r.key));
  const width = Math.min(28, Math.max(label.length, ...keys.map((key) => key.length)));
  const line = (cells: string[]) =>
    `${cell(truncate(cells[0]!, width).padEnd(width))}  ${cells
      .slice(1)
      .map((text, i) => text.padStart([5, 9, 9, 6, 9][i]!))
      .join("  ")}`;
  const head = line([label, "MQLs", "median", "p90", "SLA", "untouched"]);
  const chunks: Array<{ text: string; rows: number }> = [];
  let current: string[] = [];
  const fence = (lines: string[]) => "```" + [head, ...lines].join("\n") + "```";
  rows.forEach((row, i) => {
    const next = line([
      keys[i]!,
      count(row.mqls),
      mins(row.medianMinutes),
      mins(row.p90Minutes),
      pct(row.slaCompliance),
      count(row.untouched),
    ]);
    if (current.length && fence([...current, next]).length > SLACK_LIMITS.sectionText) {
      chunks.push({ text: fence(current), rows: current.length });
      current = [];
    }
    current.push(next);
  });
  if (current.length) chunks.push({ text: fence(current), rows: current.length });
  return chunks;
}

/** The digest as readable text (the CLI without --json). */
export function digestText(digest: Digest, rejectionThreshold: number): string {
  const v = digest.volumes;
  const p = digest.previousVolumes;
  const s = digest.speedToLead;
  const c = digest.conversion;
  const lines = [
    `Funnel digest · ${weekTitle(digest)} (${digest.week.timezone})`,
    "",
    ...STAGES.map(
      ([key, label]) =>
        `  ${label.padEnd(15)} ${count(v[key]).padStart(8)}   ${change(v[key], p[key]).padEnd(9)} (last week ${count(p[key])})`,
    ),
    `  ${"Won amount".padEnd(15)} ${amount(v.wonAmount).padStart(8)}`,
    "",
    `MQL acceptance: ${pct(digest.acceptanceRate)}`,
    `Conversion (${c.cohortWeeks}-week cohort): MQL→SQL ${pct(c.mqlToSql)}, SQL→Opp ${pct(c.sqlToOpp)}, Opp→Won ${pct(c.oppToWon)}`,
    `Speed to lead (SLA ${s.slaMinutes} min): ${pct(s.slaCompliance)} within SLA, median ${mins(s.medianMinutes)}, p90 ${mins(s.p90Minutes)}, ${count(s.untouched)} of ${count(s.mqls)} untouched${escalationText(digest)}`,
    `Rejection reasons: ${digest.rejectionReasons.map((r) => `${r.reason} ${r.count} (${pct(r.share)})`).join(", ") || "none"}`,
    `New opportunities: marketing ${digest.sourcing.marketing}, sales ${digest.sourcing.sales}, partner ${digest.sourcing.partner}, other ${digest.sourcing.other}; marketing-influenced ${digest.sourcing.influenced}`,
    `Rejection rate by month: ${digest.rejectionTrend.months.map((m) => `${m.month} ${pct(m.rejectionRate)}`).join(", ")}`,
  ];
  if (digest.rejectionTrend.mqlReviewTriggered)
    lines.push(
      `ALERT: rejection rate above ${pct(rejectionThreshold)} two months running: review the MQL definition.`,
    );
  for (const [key, label] of TABLES) {
    lines.push("", `Speed to lead by ${label}:`);
    const rows = s[key];
    if (!rows.length) lines.push("  (no MQLs)");
    for (const chunk of tableChunks(label, rows, (text) => text))
      lines.push(
        ...chunk.text
          .replace(/```/g, "")
          .split("\n")
          .map((l) => `  ${l}`),
      );
  }
  return lines.join("\n");
}
