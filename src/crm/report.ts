// How the `cadence crm` commands read on a terminal: status, preview and sync summaries as lines.
import type { PreviewItem, SyncSummary } from "./service.js";
import type { CrmConnectionRow, CrmProvider } from "./store.js";

/** What each CRM calls the records synced, and itself. */
const WORDS = {
  hubspot: { name: "HubSpot", record: "contact", records: "contacts" },
  salesforce: { name: "Salesforce", record: "lead", records: "leads" },
} as const;

/** Refused records listed on screen; a count says how many more there are. */
const SHOWN_PROBLEMS = 50;

const when = (date: Date | null): string => date?.toISOString() ?? "never";

export function statusLines(
  connection: CrmConnectionRow | null,
  slackTeamId: string,
  now: Date,
): string[] {
  if (!connection)
    return [
      `No CRM is connected for ${slackTeamId}. \`cadence crm connect hubspot\` or \`cadence crm connect salesforce --login-url …\` connects one.`,
    ];
  const lag = connection.syncCursor
    ? `${Math.max(0, Math.round((now.getTime() - connection.syncCursor.getTime()) / 60_000))} min behind the CRM's latest stored change`
    : "nothing synced yet";
  return [
    `CRM:            ${connection.provider} for ${slackTeamId} (${connection.settings.baseUrl})`,
    `Connected:      ${when(connection.createdAt)} (credentials updated ${when(connection.updatedAt)})`,
    `Sync cursor:    ${when(connection.syncCursor)} (${lag})`,
    `Last sync:      started ${when(connection.lastSyncStartedAt)}, last success ${when(connection.lastSuccessAt)}`,
    `Records:        ${connection.recordsRead} read, ${connection.recordsRefused} refused (all syncs)`,
    connection.lastError
      ? `Last error:     ${connection.lastError} (${when(connection.lastErrorAt)})`
      : "Last error:     none",
  ];
}

export function previewLines(items: PreviewItem[], provider: CrmProvider = "hubspot"): string[] {
  const words = WORDS[provider];
  if (items.length === 0) return [`${words.name} returned no ${words.records}.`];
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`${words.record[0]!.toUpperCase()}${words.record.slice(1)} ${item.crmId}`);
    lines.push(`  ${words.name} values:`);
    for (const [name, value] of Object.entries(item.raw)) lines.push(`    ${name} = ${value}`);
    lines.push("  Lead record:");
    for (const [column, value] of Object.entries(item.row))
      if (value !== "") lines.push(`    ${column} = ${value}`);
    if (item.result.ok) lines.push("  -> would be stored");
    else {
      lines.push("  -> would be REFUSED:");
      for (const problem of item.result.problems)
        lines.push(
          `     ${problem.column} ${problem.value ? `"${problem.value}" ` : ""}${problem.problem}`,
        );
    }
    lines.push("");
  }
  const refused = items.filter((item) => !item.result.ok).length;
  lines.push(
    `${items.length} ${items.length === 1 ? words.record : words.records} previewed: ${items.length - refused} would be stored, ${refused} refused. Nothing was written.`,
  );
  return lines;
}

export function syncLines(summary: SyncSummary, provider: CrmProvider = "hubspot"): string[] {
  const words = WORDS[provider];
  const lines = [
    `Synced ${summary.read} ${words.name} ${summary.read === 1 ? words.record : words.records}: ${summary.inserted} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.refused} refused${summary.removed ? `, ${summary.removed} removed (deleted or merged in ${words.name})` : ""}.`,
    summary.cursor
      ? `Up to date with changes made in ${words.name} until ${summary.cursor.toISOString()}.`
      : `${words.name} had no ${words.records} to sync.`,
  ];
  if (summary.problems.length) {
    lines.push(
      `Refused (fix them in ${words.name} and the next sync picks up the edit, or change the mapping with \`cadence crm mapping set\`):`,
    );
    for (const problem of summary.problems.slice(0, SHOWN_PROBLEMS))
      lines.push(
        `  ${words.record} ${problem.crmId}: ${problem.column} ${problem.value ? `"${problem.value}" ` : ""}${problem.problem}`,
      );
    if (summary.problems.length > SHOWN_PROBLEMS)
      lines.push(`  … and ${summary.problems.length - SHOWN_PROBLEMS} more.`);
  }
  return lines;
}
