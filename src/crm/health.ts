// A connection's sync health as people read it, in `/cadence crm status` and the admins' Home
// tab: last success, how far behind, records in and refused, and the last error.
import { escapeInline } from "../slack/mrkdwn.js";
import type { CrmConnectionRow } from "./store.js";

const PROVIDER_NAMES = { hubspot: "HubSpot", salesforce: "Salesforce" } as const;

/** A Slack date token: every reader sees it in their own timezone. */
export const slackDate = (at: Date) =>
  `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;

/** "3 min", "2 h 5 min", "4 days": how long ago the last success was. */
export function lagText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} days`;
}

/** One line each: provider, last success and lag, records, last error. */
export function crmHealthLines(connection: CrmConnectionRow, now: Date): string[] {
  const lines = [`*${PROVIDER_NAMES[connection.provider]}* connected`];
  lines.push(
    connection.lastSuccessAt
      ? `Last successful sync ${slackDate(connection.lastSuccessAt)} (${lagText(now.getTime() - connection.lastSuccessAt.getTime())} ago)`
      : "No successful sync yet",
  );
  lines.push(
    `Records read ${connection.recordsRead.toLocaleString("en-US")}, refused ${connection.recordsRefused.toLocaleString("en-US")}`,
  );
  if (connection.lastError && connection.lastErrorAt)
    lines.push(
      `:warning: Last error ${slackDate(connection.lastErrorAt)}: ${escapeInline(connection.lastError, 300)}`,
    );
  return lines;
}
