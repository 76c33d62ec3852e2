// `npm run bench`: prints every benchmark's figures. Each later feature adds its own section.
import { postgresAvailable } from "../tests/helpers/databases.js";
import setup from "../tests/global-setup.js";
import { benchChartRender } from "./chart-render.js";
import { BENCH_TIER, benchCrmBackfill } from "./crm-backfill.js";
import { benchDigestBuild } from "./digest-build.js";
import { printImportWhileServing } from "./import-while-serving.js";
import { benchLeadImport, buildCli } from "./lead-import.js";
import { benchModalAcks } from "./modal-ack.js";
import { benchReviewPacks } from "./reviews-packs.js";
import { benchRollUpBuild } from "./rollup-build.js";
import { benchSchedulerDelay } from "./scheduler-delay.js";
import { benchSlaWatch, type Delays } from "./sla-watch.js";
import { benchSlashCommandAcks } from "./slash-command-ack.js";
import { ms } from "./stats.js";

async function main(): Promise<void> {
  await setup(); // finds out whether PostgreSQL is reachable
  console.log("Cadence benchmarks");
  console.log(`node ${process.version}, ${(await import("node:os")).cpus().length} cores\n`);

  console.log(
    "Slash command acknowledgement latency (/cadence help, signed, HTTP mode; Slack allows 3,000 ms, goal p99 < 50 ms)",
  );
  for (const row of await benchSlashCommandAcks()) {
    console.log(
      `  ${row.label.padEnd(16)} p50 ${ms(row.p50).padStart(10)}   p99 ${ms(row.p99).padStart(10)}   max ${ms(row.max).padStart(10)}   failures ${row.failures}`,
    );
  }

  console.log(
    "\n/winloss modal submission acknowledgement (validated and stored before the ack; Slack allows 3,000 ms)",
  );
  for (const row of await benchModalAcks()) {
    console.log(
      `  ${row.label.padEnd(16)} p50 ${ms(row.p50).padStart(10)}   p99 ${ms(row.p99).padStart(10)}   max ${ms(row.max).padStart(10)}   failures ${row.failures}`,
    );
  }

  const rollUp = await benchRollUpBuild(10_000);
  console.log(
    `\nFeedback roll-up for 10,000 notes (aggregation, computed summary and Block Kit): build p50 ${ms(rollUp.buildMs)}, blocks p50 ${ms(rollUp.blocksMs)}`,
  );

  console.log(
    "\nScheduler: 1,000 cadences due in the same minute, one process, against a fake Slack enforcing its rate limits\n(delay = due time to Slack receiving the post; at a post a second per channel, 100 posts in one channel take 99 s at best; aim: no 429)",
  );
  for (const channels of [10, 1_000]) {
    for (const provider of postgresAvailable()
      ? (["sqlite", "postgres"] as const)
      : (["sqlite"] as const)) {
      const row = await benchSchedulerDelay(provider, 1_000, channels);
      console.log(
        `  ${`${channels.toLocaleString("en-US")} channels`.padEnd(15)} ${provider.padEnd(9)} p50 ${ms(row.p50Ms).padStart(11)}   p99 ${ms(row.p99Ms).padStart(11)}   max ${ms(row.maxMs).padStart(11)}   429s ${row.rateLimited}   peak RSS ${row.peakRssMb.toFixed(0)} MB`,
      );
    }
  }

  await slaWatchSection(
    postgresAvailable() ? (["sqlite", "postgres"] as const) : (["sqlite"] as const),
  );

  const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
  console.log(
    `\nLead import: ${importRows.toLocaleString("en-US")} generated rows through \`cadence import leads\`, built (aim: 25,000 rows/s, < 300 MB)`,
  );
  buildCli();
  for (const provider of postgresAvailable()
    ? (["sqlite", "postgres"] as const)
    : (["sqlite"] as const)) {
    // V8 grows its heap lazily when nothing bounds it; a heap cap keeps the import's memory low.
    for (const nodeOptions of ["", "--max-old-space-size=160"]) {
      const row = await benchLeadImport(provider, importRows, nodeOptions);
      console.log(
        `  ${provider.padEnd(9)} ${Math.round(row.rowsPerSecond).toLocaleString("en-US").padStart(8)} rows/s   ${row.seconds.toFixed(1)} s   peak RSS ${row.peakRssMb} MB${nodeOptions ? `   (NODE_OPTIONS=${nodeOptions})` : ""}`,
      );
    }
  }

  // Shares the database: latency of other work during a SQLite import, throughput against floors.
  await printImportWhileServing(importRows);

  await digestSection(
    postgresAvailable() ? (["sqlite", "postgres"] as const) : (["sqlite"] as const),
  );
  await crmSection(postgresAvailable() ? (["sqlite", "postgres"] as const) : (["sqlite"] as const));
}

async function crmSection(providers: readonly ("sqlite" | "postgres")[]): Promise<void> {
  const contacts = Number(process.env.BENCH_CRM_CONTACTS ?? 100_000);
  buildCli();
  console.log(
    `\nHubSpot backfill of ${contacts.toLocaleString("en-US")} contacts by \`cadence start\`'s scheduled sync, the fake HubSpot enforcing the ${BENCH_TIER} tier's limits (aim: >= 90% of the burst limit, < 300 MB; a change in the digest within 1 sync interval + 30 s, the interval set to 1 min here)`,
  );
  for (const provider of providers)
    // V8's default young generation lets the sync's garbage grow the process; 4 MB bounds it.
    for (const nodeOptions of ["", "--max-semi-space-size=4"]) {
      const row = await benchCrmBackfill(provider, contacts, nodeOptions);
      console.log(
        `  ${provider.padEnd(9)} ${row.seconds.toFixed(0)} s, ${row.calls.toLocaleString("en-US")} calls: ${row.callsPerSecond.toFixed(1)} of ${row.allowedPerSecond} calls/s allowed (${(row.shareOfAllowed * 100).toFixed(0)}%), ${Math.round(row.contacts / row.seconds)} contacts/s, ${row.throttled} answered 429   peak RSS ${row.peakRssMb.toFixed(0)} MB   change to digest ${(row.changeToDigestMs / 1000).toFixed(1)} s (interval ${row.syncIntervalMs / 1000} s)${nodeOptions ? `   (NODE_OPTIONS=${nodeOptions})` : ""}`,
      );
    }
}

async function slaWatchSection(providers: readonly ("sqlite" | "postgres")[]): Promise<void> {
  const leads = Number(process.env.BENCH_SLA_LEADS ?? 10_000);
  console.log(
    `\nSpeed-to-lead watch: ${leads.toLocaleString("en-US")} MQLs over a simulated hour, 30% breaching, a sweep every 10 s (delay = a step's due time to its DM; aim p99 < 30 s)`,
  );
  for (const provider of providers) {
    const row = await benchSlaWatch(provider, leads);
    const line = (label: string, d: Delays) =>
      `  ${provider.padEnd(9)} ${label.padEnd(34)} ${String(d.count).padStart(6)} steps   p50 ${seconds(d.p50Ms)}   p99 ${seconds(d.p99Ms)}   max ${seconds(d.maxMs)}`;
    console.log(line("owner's step (the breach DM)", row.owner));
    console.log(line("steps not held by the 5-min limit", row.notHeld));
    console.log(line("every step (manager, VP included)", row.all));
    console.log(
      `  ${"".padEnd(9)} ${row.heldByLimit} steps waited for their recipient's 5-minute limit; sweep p99 ${ms(row.sweepP99Ms)}; watch rows read per sweep mean ${row.rowsReadMean.toFixed(1)}, max ${row.rowsReadMax} (steps due at most ${row.dueMax}; ${row.leads.toLocaleString("en-US")} leads, ${row.breaching} never touched)`,
    );
  }
}

const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`.padStart(8);

async function digestSection(providers: readonly ("sqlite" | "postgres")[]): Promise<void> {
  const leads = Number(process.env.BENCH_DIGEST_LEADS ?? 1_000_000);
  console.log(
    `\nDigest build: one week's digest over ${leads.toLocaleString("en-US")} leads spread across two years (aim: < 1 s)`,
  );
  for (const provider of providers) {
    const row = await benchDigestBuild(provider, leads);
    console.log(
      `  ${provider.padEnd(9)} first ${ms(row.firstMs).padStart(11)}   then p50 ${ms(row.p50Ms).padStart(11)}   max ${ms(row.maxMs).padStart(11)}`,
    );
  }
  console.log(
    `\nReview packs and QBR scorecard over ${leads.toLocaleString("en-US")} leads spread across two years (aim: < 1 s each)`,
  );
  for (const provider of providers) {
    for (const row of await benchReviewPacks(provider, leads)) {
      console.log(
        `  ${provider.padEnd(9)} ${row.pack.padEnd(4)} first ${ms(row.firstMs).padStart(11)}   then p50 ${ms(row.p50Ms).padStart(11)}   max ${ms(row.maxMs).padStart(11)}`,
      );
    }
  }
  const chart = await benchChartRender();
  console.log(
    `\nChart render (vega-lite → SVG → PNG, ${chart.pngBytes.toLocaleString("en-US")} bytes): first ${ms(chart.firstMs)}, then p50 ${ms(chart.p50Ms)}, p99 ${ms(chart.p99Ms)}`,
  );
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
