// `npm run bench`: prints every benchmark's figures. Each later feature adds its own section.
import { benchSlashCommandAcks } from "./slash-command-ack.js";
import { ms } from "./stats.js";

async function main(): Promise<void> {
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
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
