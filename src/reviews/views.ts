// The review packs as Slack sees them (Block Kit, well under 50 blocks) and as the CLI prints them.
// Every key (source, reason, industry, …) comes from the CRM and is escaped.
import type { KnownBlock } from "@slack/types";
import { pct } from "../digest/views.js";
import { AGREEMENT_LABELS, termsLine } from "../definitions/views.js";
import type { Subject } from "../definitions/rules.js";
import { context, header, section } from "../slack/blocks.js";
import { escapeInline, escapeMrkdwn, plainTextOf, truncate } from "../slack/mrkdwn.js";
import type { PackDefinition } from "./definition.js";
import type { IcpPack, SegmentRow } from "./icp-pack.js";
import type { MqlPack } from "./mql-pack.js";
import type { Firmographics, KeyedCount } from "./rules.js";

const TOP = 6;
const k = (key: string) => escapeInline(key, 60);
const money = (n: number | null) =>
  n === null ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const days = (n: number | null) => (n === null ? "–" : `${n.toFixed(1)} d`);

function definitionBlock(subject: Subject, title: string, definition: PackDefinition): KnownBlock {
  const v = definition.current;
  if (!v)
    return section(
      `*${title}*: no version agreed yet (${AGREEMENT_LABELS[definition.agreement]}). Propose one with \`/cadence definitions propose ${subject}\`.`,
    );
  const terms = termsLine(subject, v.terms);
  return section(
    `*${title} v${v.version}* (in force since ${v.effectiveOn}, ${AGREEMENT_LABELS[definition.agreement]})\n>${escapeMrkdwn(truncate(v.text, 1200)).replace(/\n/g, "\n>")}${terms ? `\n${terms}` : ""}`,
  );
}

const counts = (items: readonly KeyedCount[]) =>
  items.length
    ? items
        .slice(0, TOP)
        .map((c) => `${k(c.key)} ${c.count} (${pct(c.share)})`)
        .join(" · ")
    : "none";

function firmographicLines(label: string, f: Firmographics): string {
  return `*${label}*\nIndustry: ${counts(f.industry)}\nSize: ${counts(f.companySize)}\nCountry: ${counts(f.country)}`;
}

export function mqlPackBlocks(pack: MqlPack, heading = "MQL definition review"): KnownBlock[] {
  const w = pack.window;
  return [
    header(heading),
    context(`The last ${w.days} days: ${w.from} to ${w.to} (${w.timezone}).`),
    definitionBlock("mql", "MQL definition", pack.definition),
    section(
      `*Acceptance by month*\n${pack.acceptanceByMonth.map((m) => `${m.month}: ${pct(m.acceptanceRate)} (${m.accepted} accepted, ${m.rejected} rejected)`).join("\n")}`,
    ),
    section(
      `*Acceptance by source*\n${
        pack.acceptanceBySource
          .slice(0, 10)
          .map(
            (s) =>
              `${k(s.source)}: ${pct(s.acceptanceRate)} (${s.accepted}/${s.accepted + s.rejected})`,
          )
          .join("\n") || "No MQL accepted or rejected."
      }`,
    ),
    section(
      `*Rejection reasons by month*\n${pack.rejectionReasonsByMonth
        .map(
          (m) =>
            `${m.month}: ${
              m.reasons.length
                ? m.reasons
                    .slice(0, TOP)
                    .map((r) => `${k(r.reason)} ${r.count}`)
                    .join(" · ")
                : "none"
            }`,
        )
        .join("\n")}`,
    ),
    section(
      `*MQL to won by source*\n${
        pack.conversionBySource
          .slice(0, 10)
          .map((s) => `${k(s.source)}: ${pct(s.conversion)} (${s.won} won of ${s.mqls} MQLs)`)
          .join("\n") || "No MQLs."
      }`,
    ),
    section(firmographicLines("Won deals", pack.firmographics.won)),
    section(firmographicLines("Rejected MQLs", pack.firmographics.rejected)),
  ];
}

const segmentLine = (s: SegmentRow) =>
  `${k(s.key)}: ${s.won} won · win rate ${pct(s.winRate)} · median ${money(s.medianAmount)} · cycle ${days(s.medianCycleDays)}`;

export function icpPackBlocks(pack: IcpPack, heading = "ICP review"): KnownBlock[] {
  const w = pack.window;
  const fit = pack.icpFit;
  const segments = (label: string, rows: SegmentRow[]) =>
    section(
      `*By ${label}*\n${rows.slice(0, 10).map(segmentLine).join("\n") || "No closed deals."}`,
    );
  return [
    header(heading),
    context(`The last ${w.months} months: ${w.from} to ${w.to} (${w.timezone}).`),
    definitionBlock("icp", "ICP", pack.definition),
    section(
      `*Closed deals*: ${pack.won} won, ${pack.lost} lost, win rate ${pct(pack.winRate)}\n*Won deals in the ICP*: ${
        fit
          ? `${fit.inside} inside (${pct(fit.insideShare)}), ${fit.outside} outside (${pct(fit.outsideShare)}); the review comes early when over ${pct(pack.outsideThreshold)} are outside in a quarter`
          : "no ICP agreed yet"
      }`,
    ),
    segments("industry", pack.byIndustry),
    segments("company size", pack.byCompanySize),
    segments("country", pack.byCountry),
  ];
}

/** The CLI's text: the same blocks, as plain lines. */
export function blocksText(blocks: KnownBlock[]): string {
  return blocks
    .map((b) => {
      const text =
        b.type === "header"
          ? b.text.text
          : b.type === "section"
            ? (b.text?.text ?? "")
            : b.type === "context"
              ? b.elements.map((e) => ("text" in e ? e.text : "")).join(" ")
              : "";
      return plainTextOf(text);
    })
    .filter(Boolean)
    .join("\n\n");
}
