// Import throughput and peak memory for a generated CSV of realistic lead records, through the
// real `cadence import leads` command as it ships: compiled (`npm run build`) and run with plain
// node, in its own process so its memory is its own. (Through tsx it starts 40 MB heavier.)
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { execFileSync, spawn } from "node:child_process";
import { PROJECT_ROOT } from "../tests/helpers/cadence-process.js";
import { createTestDatabase, type TestProvider } from "../tests/helpers/databases.js";

const HEADER =
  "id,mql_at,first_touch_at,accepted_at,rejected_at,rejection_reason,opportunity_at,closed_won_at,closed_lost_at,amount,owner,team,source,sourced_by,influenced,industry,company_size,country";
const REASONS = ["wrong company size", "wrong persona", "no budget", "timing"];
const SOURCES = ["webinar", "paid search", "content", "events", "referral"];

/** A deterministic pseudo-random sequence, so every run imports the same file. */
function* rows(count: number): Generator<string> {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const start = Date.UTC(2024, 10, 1);
  for (let i = 0; i < count; i += 1) {
    const mql = start + Math.floor(random() * 730 * 86_400_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    const touched = random() < 0.8 ? iso(mql + Math.floor(random() * 3_600_000)) : "";
    const outcome = random();
    const accepted = outcome < 0.45 ? iso(mql + 86_400_000) : "";
    const rejected = outcome >= 0.45 && outcome < 0.75 ? iso(mql + 86_400_000) : "";
    const opportunity = accepted && random() < 0.5 ? iso(mql + 5 * 86_400_000) : "";
    const won = opportunity && random() < 0.3 ? iso(mql + 40 * 86_400_000) : "";
    const lost = opportunity && !won && random() < 0.5 ? iso(mql + 40 * 86_400_000) : "";
    yield [
      `L-${i}`,
      iso(mql),
      touched,
      accepted,
      rejected,
      rejected ? REASONS[i % 4] : "",
      opportunity,
      won,
      lost,
      opportunity ? (1000 + Math.floor(random() * 90_000)).toString() : "",
      `rep${i % 40}@acme.test`,
      `team-${i % 5}`,
      SOURCES[i % 5],
      ["marketing", "sales", "partner", "other"][i % 4],
      i % 3 === 0 ? "true" : "false",
      "software",
      "51-200",
      "US",
    ].join(",");
  }
}

export async function writeFile(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  for (const row of rows(count)) if (!out.write(`${row}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

export interface ImportBench {
  provider: TestProvider;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

const BUILT_CLI = path.join(PROJECT_ROOT, "dist", "cli.js");

/** Compiles the command as `npm run build` does. */
export function buildCli(): void {
  execFileSync(
    process.execPath,
    [
      path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      "tsconfig.build.json",
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
    },
  );
}

export async function benchLeadImport(
  provider: TestProvider,
  count = 1_000_000,
  nodeOptions = "",
): Promise<ImportBench> {
  const dir = mkdtempSync(path.join(tmpdir(), "cadence-import-bench-"));
  const file = path.join(dir, "leads.csv");
  await writeFile(file, count);
  const database = await createTestDatabase(provider);
  try {
    await migrateDatabase(database.url);
    const opened = openDatabase(database.url);
    await opened.db.workspace.create({
      data: { slackTeamId: "T0BENCH", name: "Bench", timezone: "America/New_York", settings: {} },
    });
    await opened.close();
    const started = performance.now();
    const cli = spawn(process.execPath, [BUILT_CLI, "import", "leads", file], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        CADENCE_REPORT_PEAK_MEMORY: "1",
        NODE_OPTIONS: nodeOptions,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(cli, "exit")) as [number | null];
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`import failed: ${output}`);
    const peak = /Peak memory: (\d+) MB/.exec(output)?.[1];
    return {
      provider,
      rows: count,
      seconds,
      rowsPerSecond: count / seconds,
      peakRssMb: Number(peak ?? NaN),
    };
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
