// `npm run bench`: prints every benchmark's figures. Each later feature adds its own section.
import { postgresAvailable } from "../tests/helpers/databases.js";
import setup from "../tests/global-setup.js";
import { benchChartRender } from "./chart-render.js";
import { benchDigestBuild } from "./digest-build.js";
import { printImportWhileServing } from "./import-while-serving.js";
import { benchLeadImport, buildCli } from "./lead-import.js";
import { benchModalAcks } from "./modal-ack.js";
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
    "\nScheduler: 1,000 cadences due in the same minute, one process (delay = due time to Slack receiving the post)",
  );
  for (const provider of postgresAvailable()
    ? (["sqlite", "postgres"] as const)
    : (["sqlite"] as const)) {
    const row = await benchSchedulerDelay(provider);
    console.log(
      `  ${provider.padEnd(9)} p50 ${ms(row.p50Ms).padStart(11)}   p99 ${ms(row.p99Ms).padStart(11)}   max ${ms(row.maxMs).padStart(11)}   peak RSS ${row.peakRssMb.toFixed(0)} MB`,
    );
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
  const chart = await benchChartRender();
  console.log(
    `\nChart render (vega-lite → SVG → PNG, ${chart.pngBytes.toLocaleString("en-US")} bytes): first ${ms(chart.firstMs)}, then p50 ${ms(chart.p50Ms)}, p99 ${ms(chart.p99Ms)}`,
  );
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
