// The QBR scorecard in Block Kit (the quarter-end post) and, through blocksText, for the CLI.
import type { KnownBlock } from "@slack/types";
import { pct } from "../digest/views.js";
import { SUBJECT_TITLES } from "../definitions/rules.js";
import { AGREEMENT_LABELS } from "../definitions/views.js";
import { context, header, section } from "../slack/blocks.js";
import { escapeInline } from "../slack/mrkdwn.js";
import type { HealthRow, QbrScorecard } from "./qbr.js";

const share = (row: HealthRow) => `${pct(row.onTimeShare)} (${row.doneOnTime}/${row.due})`;

export function qbrBlocks(card: QbrScorecard): KnownBlock[] {
  const a = card.mqlAcceptance;
  const s = card.speedToLead;
  const h = card.cadenceHealth;
  return [
    header(`QBR scorecard · ${card.quarter}`),
    context(
      `${card.window.from} to ${card.window.to} (${card.window.timezone}), as of ${card.asOf.slice(0, 10)}.`,
    ),
    section(
      [
        `*MQL acceptance*: ${pct(a.rate)} (${a.accepted} accepted, ${a.rejected} rejected)`,
        `*Speed-to-lead SLA compliance* (${s.slaMinutes} min): ${pct(s.compliance)} (${s.withinSla} of ${s.mqls} MQLs)`,
        `*Attribution model*: ${AGREEMENT_LABELS[card.attribution.agreement]}${card.attribution.version ? ` (v${card.attribution.version})` : ""}`,
        `*Alignment diagnostic*: ${card.diagnostic ? `${escapeInline(card.diagnostic.tier)} (score ${card.diagnostic.score}, ${card.diagnostic.quarter})` : "no diagnostic yet"}`,
      ].join("\n"),
    ),
    section(
      `*Definitions*\n${card.definitions
        .map(
          (d) =>
            `${SUBJECT_TITLES[d.subject]}: ${AGREEMENT_LABELS[d.agreement]}, ${d.daysSinceReview === null ? "never reviewed" : `last reviewed ${d.daysSinceReview} days ago`}`,
        )
        .join("\n")}`,
    ),
    section(
      `*Cadence health*: ${share(h)} of occurrences done on time\n${
        h.byCadence.map((c) => `${escapeInline(c.title)}: ${share(c)}`).join("\n") ||
        "No occurrences due this quarter."
      }`,
    ),
    section(
      `*By DRI*\n${h.byDri.map((d) => `${d.driSlackUserId ? `<@${d.driSlackUserId}>` : "no DRI"}: ${share(d)}`).join("\n") || "–"}`,
    ),
  ];
}
