// A connection's sync health as people read it, in `/cadence crm status` and the admins' Home
// tab: last success, how far behind, records in and refused, and the last error; and when the
// admins are told of it unasked (after repeated failures, on recovery, at the daily floor).
import type { KnownBlock } from "@slack/types";
import { fallbackText, section } from "../slack/blocks.js";
import { escapeInline, inlineCode, quoteUntrusted } from "../slack/mrkdwn.js";
import type { CrmConnectionRow } from "./store.js";

export const PROVIDER_NAMES = { hubspot: "HubSpot", salesforce: "Salesforce" } as const;

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

/** What the admins are to be told about a connection's run of failed scheduled syncs, if anything. */
export type SyncHealthNotice = { kind: "failing" | "recovered"; since: Date } | null;

/**
 * "failing" once `threshold` scheduled syncs in a row have failed and nobody was told of this
 * run yet; "recovered" once the run the admins were told of is over (a sync succeeded since).
 */
export function syncHealthNoticeDue(
  connection: Pick<CrmConnectionRow, "consecutiveFailures" | "failingSince" | "failureNoticeSince">,
  threshold: number,
): SyncHealthNotice {
  const told = connection.failureNoticeSince;
  if (told)
    return connection.consecutiveFailures === 0 ||
      connection.failingSince?.getTime() !== told.getTime()
      ? { kind: "recovered", since: told }
      : null;
  if (connection.failingSince && connection.consecutiveFailures >= threshold)
    return { kind: "failing", since: connection.failingSince };
  return null;
}

type Notice = { text: string; blocks: KnownBlock[] };
const notice = (...markdown: string[]): Notice => {
  const blocks = markdown.map(section);
  return { text: fallbackText(blocks), blocks };
};

/** Errors come from the CRM's answers (and may quote them): shown escaped, as a quote. */
const ERROR_SHOWN_CHARS = 1_000;

export function syncFailingNotice(connection: CrmConnectionRow): Notice {
  const name = PROVIDER_NAMES[connection.provider];
  const since = connection.failingSince ?? connection.lastErrorAt ?? new Date(0);
  return notice(
    `:warning: *The ${name} sync has failed ${connection.consecutiveFailures} times in a row*, since ${slackDate(since)}. ${
      connection.lastSuccessAt
        ? `The last successful sync was ${slackDate(connection.lastSuccessAt)}: leads changed in ${name} since then are not in the funnel's numbers yet.`
        : "No sync has succeeded yet."
    }`,
    `Last error${connection.lastErrorAt ? ` (${slackDate(connection.lastErrorAt)})` : ""}:\n${quoteUntrusted(connection.lastError ?? "none recorded", ERROR_SHOWN_CHARS)}`,
    `*What to do:* the error says what to fix (a refused token or a missing scope: fix the private app, then ${inlineCode(`cadence crm connect ${connection.provider}`)} on the server; ${name} unreachable: the server's network). ${inlineCode("/cadence crm status")} shows the sync's health and ${inlineCode("/cadence crm sync")} tries again at once. Cadence keeps trying, and says so here when a sync works again.`,
  );
}

export function syncRecoveredNotice(connection: CrmConnectionRow, failingSince: Date): Notice {
  const name = PROVIDER_NAMES[connection.provider];
  return notice(
    `:white_check_mark: *The ${name} sync works again*: it succeeded ${slackDate(connection.lastSuccessAt ?? new Date(0))} after failing since ${slackDate(failingSince)}. Changes made in ${name} meanwhile are synced.`,
  );
}

/** The sync stopped itself under the daily API allowance floor; `reason` is our own message. */
export function dailyAllowanceNotice(connection: CrmConnectionRow, reason: string): Notice {
  const name = PROVIDER_NAMES[connection.provider];
  return notice(
    `:double_vertical_bar: *The ${name} sync is paused for today.* ${escapeInline(reason, ERROR_SHOWN_CHARS)}`,
    `Nothing is lost: the sync resumes from where it stopped. ${inlineCode("/cadence crm status")} shows the sync's health.`,
  );
}
