// The process's Prometheus metrics (prom-client), served at GET /metrics (src/http/server.ts).
// Each is moved where the thing happens. Labels are small fixed sets (outcomes, Slack method names
// and error codes), never ids, names, text or tokens, so a scrape can be shown to anyone who may
// see the dashboard.
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

export const registry = new Registry();

/** Slack allows 3 s; the buckets are dense below the 50 ms we aim for. */
export const ackSeconds = new Histogram({
  name: "cadence_slack_ack_seconds",
  help: "Time from a Slack request (HTTP) or envelope (Socket Mode) arriving to its acknowledgement",
  labelNames: ["transport"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
  registers: [registry],
});

export const deliveries = new Counter({
  name: "cadence_deliveries_total",
  help: "Scheduled deliveries (posts, reminders, escalations, notices) by outcome",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

/** Posts of 1,000 cadences due at once spread over minutes when Slack paces them per channel. */
export const schedulerLagSeconds = new Histogram({
  name: "cadence_scheduler_lag_seconds",
  help: "Time from an occurrence's due time to Slack accepting its post",
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [registry],
});

export const claimsTakenOver = new Counter({
  name: "cadence_claims_taken_over_total",
  help: "Claims taken over: a retry whose time came, or work an owner gave back or left when it stopped or died",
  labelNames: ["reason"] as const,
  registers: [registry],
});

export const slackApiErrors = new Counter({
  name: "cadence_slack_api_errors_total",
  help: "Slack Web API calls that failed, by method and Slack's error code (or timeout, network, http_<status>); 429s are counted apart",
  labelNames: ["method", "error"] as const,
  registers: [registry],
});

export const slackRateLimited = new Counter({
  name: "cadence_slack_rate_limited_total",
  help: "Slack Web API answers HTTP 429 (rate limited), by method; the client waits Retry-After and tries again",
  labelNames: ["method"] as const,
  registers: [registry],
});

export const leadRows = new Counter({
  name: "cadence_lead_rows_total",
  help: "Lead rows handled by imports (CSV, Slack file, ingest API) and CRM syncs, by outcome",
  labelNames: ["source", "outcome"] as const,
  registers: [registry],
});

export type LeadRowSource = "import" | "crm_sync";

/** Counts one import's or one sync batch's rows. */
export function countLeadRows(
  source: LeadRowSource,
  rows: { inserted: number; updated: number; unchanged: number; invalid: number },
): void {
  for (const outcome of ["inserted", "updated", "unchanged", "invalid"] as const)
    if (rows[outcome] > 0) leadRows.inc({ source, outcome }, rows[outcome]);
}

let processMetricsOn = false;

/** Process metrics (CPU, memory, event-loop delay, GC): for `cadence start`, not one-off commands. */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: registry });
}
