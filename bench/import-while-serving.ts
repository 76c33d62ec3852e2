// "Import while serving": a large `cadence import leads` (built, its own process) into the SQLite
// file that a running `cadence start` (HTTP mode) serves from, while /healthz, signed slash
// commands and ingest writes are timed against it. Throughput is set against a floor measured in
// the same run: the sqlite3 CLI's own `.import` of the same rows into Lead, and on PostgreSQL
// `psql \copy` into a staging table plus one INSERT … ON CONFLICT. Runnable alone:
// `BENCH_IMPORT_ROWS=200000 scripts/with-node.sh npx tsx bench/import-while-serving.ts`.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { createApiToken } from "../src/funnel/tokens.js";
import { PROJECT_ROOT } from "../tests/helpers/cadence-process.js";
import {
  createTestDatabase,
  postgresAvailable,
  type TestDatabase,
} from "../tests/helpers/databases.js";
import { buildCli, writeFile } from "./lead-import.js";
import { withServedCadence } from "./served-cadence.js";
import { ms, percentile } from "./stats.js";

const BUILT_CLI = path.join(PROJECT_ROOT, "dist", "cli.js");

export interface Latency {
  label: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

export interface Throughput {
  rowsPerSecond: number;
  /** The floor's rows per second, or null when its tool is not installed. */
  floorRowsPerSecond: number | null;
}

export interface ImportWhileServing {
  rows: number;
  sqlite: Throughput;
  latencies: Latency[];
  postgres: Throughput | null;
}

/** Times `request` again and again, `everyMs` apart, until `done` resolves. */
async function timeUntil(
  label: string,
  done: Promise<unknown>,
  everyMs: number,
  request: () => Promise<boolean>,
): Promise<Latency> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  let failures = 0;
  while (!finished) {
    const started = performance.now();
    const ok = await request().catch(() => false);
    times.push(performance.now() - started);
    if (!ok) failures += 1;
    await sleep(everyMs);
  }
  return {
    label,
    requests: times.length,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    failures,
  };
}

/** Runs the built `cadence import leads` and resolves with its wall-clock seconds. */
async function timedImport(file: string, databaseUrl: string, workspace: string): Promise<number> {
  const started = performance.now();
  const cli = spawn(
    process.execPath,
    [BUILT_CLI, "import", "leads", file, "--workspace", workspace],
    {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(cli, "exit")) as [number | null];
  if (code !== 0) throw new Error(`import failed: ${output}`);
  return (performance.now() - started) / 1000;
}

/** The same rows as Lead stores them, headerless, for the floors' bulk loaders. */
async function writeLeadRows(csv: string, out: string, team: string): Promise<void> {
  const stamp = "2026-11-30T00:00:00.000+00:00";
  const writer = createWriteStream(out);
  let first = true;
  for await (const line of createInterface({ input: createReadStream(csv) })) {
    if (first || !line) {
      first = false;
      continue;
    }
    const f = line.split(",").map((v) => v.replace(/Z$/, "+00:00"));
    f[14] = f[14] === "true" ? "1" : "0";
    const row = `${team},${f.join(",")},${f[0]!.padStart(64, "0")},${stamp},${stamp}\n`;
    if (!writer.write(row)) await once(writer, "drain");
  }
  writer.end();
  await once(writer, "finish");
}

async function migratedWithWorkspace(provider: "sqlite" | "postgres"): Promise<TestDatabase> {
  const database = await createTestDatabase(provider);
  await migrateDatabase(database.url);
  const opened = openDatabase(database.url);
  await opened.db.workspace.create({
    data: { slackTeamId: "T0BENCH", name: "Bench", timezone: "UTC", settings: {} },
  });
  await opened.close();
  return database;
}

function installed(command: string): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

function timedTool(command: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

async function sqliteFloor(leadRows: string, rows: number): Promise<number | null> {
  if (!installed("sqlite3")) return null;
  const database = await migratedWithWorkspace("sqlite");
  try {
    const file = database.url.replace(/^file:/, "");
    const seconds = timedTool("sqlite3", [file, ".mode csv", `.import ${leadRows} Lead`]);
    return rows / seconds;
  } finally {
    await database.drop();
  }
}

async function postgresFloor(leadRows: string, rows: number): Promise<number | null> {
  if (!installed("psql")) return null;
  const database = await migratedWithWorkspace("postgres");
  const set = ["mqlAt", "firstTouchAt", "acceptedAt", "rejectedAt", "rejectionReason"]
    .concat(["opportunityAt", "closedWonAt", "closedLostAt", "amount", "owner", "team", "source"])
    .concat(["sourcedBy", "influenced", "industry", "companySize", "country", "contentHash"])
    .concat("updatedAt")
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(", ");
  try {
    const seconds = timedTool("psql", [
      database.url,
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      `CREATE TEMP TABLE stage (LIKE "Lead")`,
      "-c",
      `\\copy stage FROM '${leadRows}' CSV`,
      "-c",
      `INSERT INTO "Lead" SELECT * FROM stage ON CONFLICT ("slackTeamId", "crmId") DO UPDATE SET ${set}`,
    ]);
    return rows / seconds;
  } finally {
    await database.drop();
  }
}

async function whileServing(file: string): Promise<{ seconds: number; latencies: Latency[] }> {
  return withServedCadence(async ({ base, databaseUrl, teamId, requests }) => {
    const opened = openDatabase(databaseUrl);
    const { token } = await createApiToken(opened.db, teamId, "bench");
    await opened.close();
    let sent = 0;
    const healthz = async () => (await fetch(`${base}/healthz`)).ok;
    const ack = async () => {
      const response = await requests.slashCommand({ command: "/cadence", text: "help" });
      return response.status === 200;
    };
    const ingest = async () => {
      const records = Array.from({ length: 10 }, () => ({
        id: `API-${(sent += 1)}`,
        mql_at: "2026-11-30T09:00:00Z",
      }));
      const response = await fetch(`${base}/api/v1/leads`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(records),
      });
      return response.status === 200;
    };
    for (let i = 0; i < 20; i += 1) await Promise.all([healthz(), ack(), ingest()]); // warm-up
    const imported = timedImport(file, databaseUrl, teamId);
    const latencies = await Promise.all([
      timeUntil("/healthz", imported, 20, healthz),
      timeUntil("slash command ack", imported, 50, ack),
      timeUntil("POST /api/v1/leads", imported, 100, ingest),
    ]);
    return { seconds: await imported, latencies };
  });
}

export async function benchImportWhileServing(rows: number): Promise<ImportWhileServing> {
  buildCli();
  const dir = mkdtempSync(path.join(tmpdir(), "cadence-serving-bench-"));
  try {
    const file = path.join(dir, "leads.csv");
    await writeFile(file, rows);
    const leadRows = path.join(dir, "lead-rows.csv");
    await writeLeadRows(file, leadRows, "T0BENCH");
    const { seconds, latencies } = await whileServing(file);
    const sqlite = {
      rowsPerSecond: rows / seconds,
      floorRowsPerSecond: await sqliteFloor(leadRows, rows),
    };
    let postgres: Throughput | null = null;
    if (postgresAvailable()) {
      const database = await migratedWithWorkspace("postgres");
      try {
        postgres = {
          rowsPerSecond: rows / (await timedImport(file, database.url, "T0BENCH")),
          floorRowsPerSecond: null,
        };
      } finally {
        await database.drop();
      }
      postgres.floorRowsPerSecond = await postgresFloor(leadRows, rows);
    }
    return { rows, sqlite, latencies, postgres };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const perSecond = (value: number) => `${Math.round(value).toLocaleString("en-US")} rows/s`;

function throughputLine(name: string, floorName: string, row: Throughput): string {
  if (row.floorRowsPerSecond === null)
    return `  ${name.padEnd(9)} ${perSecond(row.rowsPerSecond).padStart(14)}   floor: ${floorName} is not installed, no ratio (apt-get install -y ${floorName === "psql" ? "postgresql-client" : "sqlite3"})`;
  const ratio = row.rowsPerSecond / row.floorRowsPerSecond;
  return `  ${name.padEnd(9)} ${perSecond(row.rowsPerSecond).padStart(14)}   floor (${floorName}) ${perSecond(row.floorRowsPerSecond)}   ratio ${ratio.toFixed(2)} (aim >= 0.6)`;
}

/** The section `npm run bench` prints. */
export async function printImportWhileServing(rows: number): Promise<void> {
  console.log(
    `\nImport while serving: ${rows.toLocaleString("en-US")} rows through \`cadence import leads\` (built) into the SQLite file \`cadence start\` serves (aims: /healthz p99 < 100 ms, slash command ack p99 < 500 ms, ingest p99 < 1 s)`,
  );
  const result = await benchImportWhileServing(rows);
  for (const row of result.latencies)
    console.log(
      `  ${row.label.padEnd(20)} p50 ${ms(row.p50).padStart(10)}   p99 ${ms(row.p99).padStart(10)}   max ${ms(row.max).padStart(10)}   ${row.requests} requests, ${row.failures} failures`,
    );
  console.log(throughputLine("sqlite", "sqlite3", result.sqlite));
  if (result.postgres) console.log(throughputLine("postgres", "psql", result.postgres));
  else console.log("  postgres  not reachable: skipped");
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? "")).href) {
  const { default: setup } = await import("../tests/global-setup.js");
  await setup();
  await printImportWhileServing(Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000));
}
