// GET /metrics after real work: an acknowledged slash command, a post taken over from a replica
// that died (after one 429 the client waited out), a post Slack refused, an ingest API import and
// a CRM sync. Each counter must move by what the test did, read from the Prometheus text.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectHubspot, syncHubspot } from "../../src/crm/service.js";
import { createApiToken } from "../../src/funnel/tokens.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { seedPortal } from "../helpers/hubspot-portal.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

type Samples = Map<string, number>;

/** The Prometheus text format, one `name{labels} value` a line (comments skipped). */
function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return samples;
}

const labelled = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",")}}`;

describeEachDatabase("/metrics", (provider) => {
  let cadence: CadenceUnderTest;
  let hubspot: FakeHubspot;
  const db = () => cadence.running.database.db;
  const scrape = (token: string | null = METRICS_TOKEN) =>
    fetch(`${cadence.baseUrl}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const samples = async () => parseSamples(await (await scrape()).text());

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    cadence = await startCadenceForTest({
      provider,
      env: {
        METRICS_TOKEN,
        CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        HUBSPOT_API_URL: hubspot.baseUrl,
      },
    });
    // Only the cadences this test makes due are active.
    await db().cadence.updateMany({ data: { active: false } });
  });
  afterAll(async () => {
    await cadence.stop();
    await hubspot.stop();
  });

  it("answers only with the bearer token, in Prometheus' text format", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("metrics-token-wrong-0000000000")).status).toBe(401);
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    for (const name of [
      "cadence_slack_ack_seconds",
      "cadence_deliveries_total",
      "cadence_scheduler_lag_seconds",
      "cadence_claims_taken_over_total",
      "cadence_slack_api_errors_total",
      "cadence_slack_rate_limited_total",
      "cadence_lead_rows_total",
      "process_resident_memory_bytes",
    ])
      expect(text).toContain(`# TYPE ${name}`);
    // No secret reaches a scrape.
    expect(text).not.toContain(cadence.slack.botToken);
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it("counts acknowledgements, deliveries, takeovers, lag, Slack errors and 429s as they happen", async () => {
    const before = await samples();

    // One acknowledged slash command (HTTP mode).
    const help = await cadence.requests.slashCommand({ command: "/cadence", text: "help" });
    expect(help.status).toBe(200);

    // An occurrence due 90 s ago whose claim a dead replica left: taken over and posted; the
    // first post is answered 429 (Retry-After 1 s), which the client waits out and retries.
    const now = cadence.clock.now();
    const dueAt = new Date(now.getTime() - 90_000);
    const taken = await db().cadence.findFirstOrThrow({ where: { kind: "icp_review" } });
    await db().cadence.update({
      where: { id: taken.id },
      data: { channelId: "C0METRICS", driSlackUserId: "U0DRI" },
    });
    const occurrence = await db().occurrence.create({
      data: { cadenceId: taken.id, dueAt, originalDueAt: dueAt, status: "pending", late: false },
    });
    await db().claim.create({
      data: {
        key: `post:${occurrence.id}`,
        owner: "gone-replica",
        status: "claimed",
        leaseUntil: new Date(now.getTime() - 1_000),
      },
    });
    // A second one, to a channel that no longer exists: given up, counted as Slack's error.
    const refused = await db().cadence.findFirstOrThrow({
      where: { kind: "mql_definition_review" },
    });
    await db().cadence.update({
      where: { id: refused.id },
      data: { channelId: "C0GONE", driSlackUserId: "U0DRI" },
    });
    await db().occurrence.create({
      data: { cadenceId: refused.id, dueAt, originalDueAt: dueAt, status: "pending", late: false },
    });
    cadence.slack.replyWhen("chat.postMessage", (call) => call.args.channel === "C0GONE", {
      kind: "error",
      error: "channel_not_found",
    });
    let limited = false;
    cadence.slack.replyWhen(
      "chat.postMessage",
      (call) => call.args.channel === "C0METRICS" && !limited && (limited = true),
      { kind: "rate_limited", retryAfterSeconds: 1 },
    );

    const callsBefore = cadence.slack.calls.length;
    await cadence.sweep();
    // Every post Slack accepted: the taken-over one (after its 429) and the notice telling the DRI
    // of the refused one.
    const accepted = cadence.slack.calls
      .slice(callsBefore)
      .filter((call) => call.method === "chat.postMessage" && call.args.channel !== "C0GONE");
    expect(accepted.filter((call) => call.args.channel === "C0METRICS")).toHaveLength(2);
    expect((await db().occurrence.findUniqueOrThrow({ where: { id: occurrence.id } })).status).toBe(
      "posted",
    );

    const after = await samples();
    const moved = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(
      moved(labelled("cadence_slack_ack_seconds_count", { transport: "http" })),
    ).toBeGreaterThanOrEqual(1);
    expect(moved(labelled("cadence_deliveries_total", { outcome: "delivered" }))).toBe(
      accepted.length - 1,
    );
    expect(moved(labelled("cadence_deliveries_total", { outcome: "gave-up" }))).toBe(1);
    expect(moved(labelled("cadence_claims_taken_over_total", { reason: "abandoned" }))).toBe(1);
    // The test clock stands still: the post went out exactly 90 s after its due time.
    expect(moved("cadence_scheduler_lag_seconds_count")).toBe(1);
    expect(moved("cadence_scheduler_lag_seconds_sum")).toBeCloseTo(90, 6);
    expect(
      moved(
        labelled("cadence_slack_api_errors_total", {
          method: "chat.postMessage",
          error: "channel_not_found",
        }),
      ),
    ).toBe(1);
    expect(
      moved(labelled("cadence_slack_rate_limited_total", { method: "chat.postMessage" })),
    ).toBe(1);
  });

  it("times Socket Mode acknowledgements too", async () => {
    const socket = await startCadenceForTest({ provider, mode: "socket" });
    try {
      const key = labelled("cadence_slack_ack_seconds_count", { transport: "socket" });
      const before = (await samples()).get(key) ?? 0;
      const ack = await socket.slack.sendEnvelope("slash_commands", {
        command: "/cadence",
        text: "help",
        team_id: socket.slack.teamId,
        user_id: "U0ALICE",
        channel_id: "C0GENERAL",
        trigger_id: "1.2.abc",
        response_url: "https://hooks.slack.invalid/commands/1",
        api_app_id: "A0CADENCE",
      });
      expect(ack).toBeDefined();
      // One registry per process: the HTTP-mode instance's /metrics shows the socket one's ack.
      expect(((await samples()).get(key) ?? 0) - before).toBe(1);
    } finally {
      await socket.stop();
    }
  });

  it("counts the rows of an ingest API import and of a CRM sync", async () => {
    const before = await samples();
    const { token } = await createApiToken(db(), cadence.slack.teamId, "metrics test");
    const records = [
      { id: "M-1", mql_at: "2026-11-23T09:00:00Z" },
      { id: "M-2", mql_at: "2026-11-23T10:00:00Z" },
    ];
    const imported = await fetch(`${cadence.baseUrl}/api/v1/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(records),
    });
    expect(imported.status).toBe(200);

    const crm = { config: cadence.config.crm };
    const connected = await connectHubspot(db(), crm, {
      slackTeamId: cadence.slack.teamId,
      token: hubspot.accessToken,
    });
    expect(connected.ok).toBe(true);
    const synced = await syncHubspot(cadence.running.database, crm, {
      slackTeamId: cadence.slack.teamId,
      timezone: "UTC",
      now: () => cadence.clock.now(),
    });
    expect(synced.ok).toBe(true);
    const syncedRows = synced.ok ? synced.summary.inserted : 0;
    expect(syncedRows).toBe(3);

    const after = await samples();
    const moved = (labels: Record<string, string>) =>
      (after.get(labelled("cadence_lead_rows_total", labels)) ?? 0) -
      (before.get(labelled("cadence_lead_rows_total", labels)) ?? 0);
    expect(moved({ source: "import", outcome: "inserted" })).toBe(records.length);
    expect(moved({ source: "crm_sync", outcome: "inserted" })).toBe(syncedRows);
  });
});
