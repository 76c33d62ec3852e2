// `npm run demo`: an embedded database with a realistic sample (six months, eight reps in three
// teams, six lead sources), the digest of the last complete week printed as text, and the Block
// Kit and chart Slack would get written to ./demo/. No Slack workspace or configuration needed.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { renderDigestChart } from "../digest/chart.js";
import { chartInput, workspaceDigest } from "../digest/service.js";
import { digestBlocks, digestText, digestThreadBlocks } from "../digest/views.js";
import { lastCompleteWeek } from "../digest/week.js";
import { importLeads } from "../funnel/import.js";
import { writeReviewPacks } from "./reviews.js";
import { sampleSource } from "./sample.js";

const TEAM = "T0DEMO";
const TIMEZONE = "America/New_York";
const WEEKS = 26;
const LEADS_PER_WEEK = 150;

const dir = path.resolve("demo");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, "cadence-demo.db");
for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
const url = `file:${file}`;

await migrateDatabase(url);
const database = openDatabase(url);
try {
  await database.configure();
  await database.db.workspace.create({
    data: { slackTeamId: TEAM, name: "Acme Revenue (demo)", timezone: TIMEZONE, settings: {} },
  });
  const now = new Date();
  const summary = await importLeads(
    database,
    sampleSource({
      count: WEEKS * LEADS_PER_WEEK,
      end: lastCompleteWeek(now, TIMEZONE).end,
      days: WEEKS * 7,
    }),
    { slackTeamId: TEAM, timezone: TIMEZONE, skipInvalid: false },
  );
  const built = await workspaceDigest(database, TEAM, { kind: "last-complete", now });
  console.log(digestText(built.digest, built.rejectionThreshold));

  const message = digestBlocks(built.digest, {
    driSlackUserId: "U0DEMODRI",
    mqlReviewDriSlackUserId: "U0DEMOMQL",
    rejectionThreshold: built.rejectionThreshold,
    detailNote: "Chart and per-rep, per-team and per-source tables in the thread",
  });
  writeFileSync(path.join(dir, "digest.json"), `${JSON.stringify(built.digest, null, 2)}\n`);
  writeFileSync(
    path.join(dir, "blocks.json"),
    `${JSON.stringify({ message: { blocks: message }, thread: { blocks: digestThreadBlocks(built.digest) } }, null, 2)}\n`,
  );
  writeFileSync(path.join(dir, "chart.png"), await renderDigestChart(chartInput(built.digest, built.trend)));
  await writeReviewPacks(database, TEAM, dir, now);
  console.log(
    [
      "",
      `Sample: ${summary.inserted.toLocaleString("en-US")} leads over ${WEEKS} weeks in ${path.relative(process.cwd(), file)}.`,
      `Wrote ${path.relative(process.cwd(), dir)}/digest.json (the JSON contract), blocks.json (paste "message" into Block Kit Builder) and chart.png.`,
      "Wrote the review packs and the QBR scorecard beside it: mql-pack.json, icp-pack.json, qbr.json (and their *-blocks.json).",
    ].join("\n"),
  );
} finally {
  await database.close();
}
