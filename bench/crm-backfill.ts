// The HubSpot backfill and the incremental sync, as they run in production: `cadence start` in its
// own process (built, with plain node, so its memory is its own) with the scheduler on, syncing from a fake HubSpot that
// enforces HubSpot's documented limits for private apps (a burst limit per rolling 10 seconds, a
// daily limit, five searches a second) and answers 429 as HubSpot does. Figures: the backfill's
// API calls as a share of the burst limit, the process's peak RSS, and the time from a contact
// changing in HubSpot to the digest counting it, with the scheduler's incremental sync running
// every CRM_SYNC_MINUTES=1 (the shortest interval it takes) and SCHEDULER_SWEEP_SECONDS=1.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadCrmConfig } from "../src/config.js";
import { connectHubspot } from "../src/crm/service.js";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { workspaceDigest } from "../src/digest/service.js";
import { FakeHubspot, HUBSPOT_TIER_LIMITS } from "../tests/fakes/fake-hubspot.js";
import { FakeSlack } from "../tests/fakes/fake-slack.js";
import { testEnv } from "../tests/helpers/cadence.js";
import { freshWorkdir, PROJECT_ROOT } from "../tests/helpers/cadence-process.js";
import { createTestDatabase, type TestProvider } from "../tests/helpers/databases.js";
import { buildCli } from "./lead-import.js";

export const BENCH_TIER = "professional";
const SYNC_MINUTES = 1;
/** The week the latency probe's contact becomes an MQL in. */
const PROBE_WEEK = "2026-11-02";

export interface CrmBackfill {
  provider: TestProvider;
  contacts: number;
  seconds: number;
  /** Calls HubSpot accepted per second, over the burst limit's rate. */
  shareOfAllowed: number;
  callsPerSecond: number;
  allowedPerSecond: number;
  calls: number;
  throttled: number;
  refused: number;
  peakRssMb: number;
  /** From the change in HubSpot to the digest counting it, in ms. */
  changeToDigestMs: number;
  syncIntervalMs: number;
}

const SOURCES = ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "OFFLINE", "REFERRALS"];

/** A portal of `contacts` contacts: owners, a company for each ten, a deal for each five. */
function seedPortal(hubspot: FakeHubspot, contacts: number): void {
  for (let i = 0; i < 20; i += 1)
    hubspot.owners.push({
      id: String(500 + i),
      email: `rep${i}@acme.test`,
      teams: [{ id: String(i % 4), name: `Team ${i % 4}`, primary: true }],
    });
  const companies: string[] = [];
  for (let i = 0; i < Math.ceil(contacts / 10); i += 1)
    companies.push(
      hubspot.put("companies", {
        name: `Company ${i}`,
        industry: "COMPUTER_SOFTWARE",
        numberofemployees: String(10 + (i % 500)),
        country: "Germany",
      }),
    );
  const start = Date.UTC(2025, 10, 3);
  for (let i = 0; i < contacts; i += 1) {
    const mql = new Date(start + (i % 365) * 86_400_000 + (i % 1440) * 60_000);
    const rejected = i % 10 === 3;
    const id = hubspot.put("contacts", {
      email: `lead${i}@example.test`,
      hs_v2_date_entered_marketingqualifiedlead: mql.toISOString(),
      ...(i % 3 === 0
        ? { hs_v2_date_entered_salesqualifiedlead: new Date(+mql + 86_400_000).toISOString() }
        : {}),
      hubspot_owner_id: String(500 + (i % 20)),
      hs_analytics_source: SOURCES[i % SOURCES.length]!,
      hs_lead_status: rejected ? "UNQUALIFIED" : "OPEN",
      ...(rejected ? { rejection_reason: "no budget" } : {}),
    });
    hubspot.associate(id, "companies", [companies[Math.floor(i / 10)]!]);
    if (i % 5 === 0)
      hubspot.associate(id, "deals", [
        hubspot.put("deals", {
          dealname: `Deal ${i}`,
          amount: String(1_000 + (i % 50_000)),
          hs_is_closed: "false",
        }),
      ]);
  }
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `node dist/cli.js start` (built by the caller: `buildCli()`), ready once it says it runs. */
function startBuiltCadence(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "dist", "cli.js"), "start"], {
    cwd: freshWorkdir(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      // Only the start-up lines are kept: a long sync logs on.
      if (output.length < 100_000) output += chunk.toString();
      if (output.includes('"msg":"Cadence is running')) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`cadence exited: ${output}`)));
  });
  return {
    child,
    ready,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function benchCrmBackfill(
  provider: TestProvider,
  contacts = 100_000,
  nodeOptions = "",
): Promise<CrmBackfill> {
  const hubspot = await new FakeHubspot().start();
  hubspot.recordRequests = false;
  seedPortal(hubspot, contacts);
  hubspot.limits = HUBSPOT_TIER_LIMITS[BENCH_TIER];
  const slack = await new FakeSlack().start();
  const testDb = await createTestDatabase(provider);
  await migrateDatabase(testDb.url);
  const key = randomBytes(32).toString("base64");
  const env = {
    ...testEnv(slack, testDb.url),
    LOG_LEVEL: "info",
    SCHEDULER_ENABLED: "true",
    SCHEDULER_SWEEP_SECONDS: "1",
    CRM_SYNC_MINUTES: String(SYNC_MINUTES),
    CADENCE_ENCRYPTION_KEY: key,
    HUBSPOT_API_URL: hubspot.baseUrl,
  };
  const cadenceEnv = nodeOptions ? { ...env, NODE_OPTIONS: nodeOptions } : env;
  const database = openDatabase(testDb.url);
  await database.db.workspace.create({
    data: { slackTeamId: slack.teamId, name: "Acme", timezone: "UTC", settings: {} },
  });
  const connected = await connectHubspot(
    database.db,
    { config: loadCrmConfig(env) },
    { slackTeamId: slack.teamId, token: hubspot.accessToken },
  );
  if (!connected.ok) throw new Error(connected.message);
  const callsBefore = hubspot.limits.daily - hubspot.dailyRemaining;
  const cadence = startBuiltCadence(cadenceEnv);
  try {
    await cadence.ready;
    const started = Date.now();
    const deadline = started + 30 * 60_000;
    let stored = 0;
    let refused = 0;
    while (Date.now() < deadline) {
      const connection = await database.db.crmConnection.findUniqueOrThrow({
        where: { slackTeamId: slack.teamId },
      });
      stored = connection.recordsRead;
      refused = connection.recordsRefused;
      if (connection.lastSuccessAt) break;
      await sleep(250);
    }
    const seconds = (Date.now() - started) / 1000;
    if (stored < contacts) throw new Error(`only ${stored} of ${contacts} contacts were synced`);
    const calls = hubspot.limits.daily - hubspot.dailyRemaining - callsBefore;
    const allowedPerSecond = hubspot.limits.burstPer10Seconds / 10;

    // A new MQL in HubSpot, while the scheduler's incremental sync runs every minute.
    const digestMqls = async () =>
      (await workspaceDigest(database, slack.teamId, { kind: "containing", day: PROBE_WEEK }))
        .digest.volumes.mql;
    const before = await digestMqls();
    const changedAt = Date.now();
    hubspot.put("contacts", {
      email: "probe@example.test",
      hs_v2_date_entered_marketingqualifiedlead: `${PROBE_WEEK}T10:00:00.000Z`,
      hs_analytics_source: "PAID_SEARCH",
      hs_lead_status: "OPEN",
    });
    while ((await digestMqls()) === before) {
      if (Date.now() - changedAt > 10 * 60_000)
        throw new Error("the change never reached the digest");
      await sleep(250);
    }
    return {
      provider,
      contacts,
      seconds,
      calls,
      callsPerSecond: calls / seconds,
      allowedPerSecond,
      shareOfAllowed: calls / seconds / allowedPerSecond,
      throttled: hubspot.throttled,
      refused,
      peakRssMb: peakRssMb(cadence.child.pid!),
      changeToDigestMs: Date.now() - changedAt,
      syncIntervalMs: SYNC_MINUTES * 60_000,
    };
  } finally {
    await cadence.stop();
    await database.close();
    await hubspot.stop();
    await slack.stop();
    await testDb.drop();
  }
}

/** `tsx bench/crm-backfill.ts [contacts] [NODE_OPTIONS of the Cadence process]`: SQLite only. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const contacts = Number(process.argv[2] ?? 100_000);
  buildCli();
  const row = await benchCrmBackfill("sqlite", contacts, process.argv[3] ?? "");
  console.log(JSON.stringify(row, null, 2));
}
