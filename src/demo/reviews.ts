// The demo's definitions (an MQL definition and an ICP both leads approved) and the review packs
// and QBR scorecard for the sample, written beside the digest.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { localDate } from "../cadences/schedule.js";
import { approveVersion, proposeVersion, setLead } from "../definitions/service.js";
import { buildQbrScorecard } from "../reviews/qbr.js";
import { qbrBlocks } from "../reviews/qbr-views.js";
import { reviewPack } from "../reviews/service.js";
import { lastCompleteQuarter } from "../reviews/window.js";

const MARKETING = "U0DEMOMKT";
const SALES = "U0DEMOSALES";

export async function writeReviewPacks(database: Database, team: string, dir: string, now: Date) {
  const clock: Clock = { now: () => now };
  const deps = { db: database.db, provider: database.provider, clock };
  const { timezone } = await database.db.workspace.findUniqueOrThrow({ where: { slackTeamId: team } });
  await setLead(database.db, team, "marketing", MARKETING);
  await setLead(database.db, team, "sales", SALES);
  const today = localDate(now, timezone);
  for (const proposal of [
    {
      subject: "mql" as const,
      text: "A lead from a company of 51+ employees whose contact is in marketing, sales or RevOps, with a demo request or two high-intent visits in 14 days.",
      terms: { rejectionThreshold: 0.3 },
    },
    {
      subject: "icp" as const,
      text: "B2B software and financial services companies of 51 to 1000 employees in North America.",
      terms: { industries: ["software", "financial services"], companySizes: ["51-200", "201-1000"], countries: ["US", "CA"] },
    },
  ]) {
    const proposed = await proposeVersion(deps, team, MARKETING, { ...proposal, effectiveOn: today });
    if (!proposed.ok) throw new Error(proposed.message);
    await approveVersion(deps, team, MARKETING, proposed.version.id);
    await approveVersion(deps, team, SALES, proposed.version.id);
  }
  const write = (name: string, value: unknown) =>
    writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  for (const subject of ["mql", "icp"] as const) {
    const { pack, blocks } = await reviewPack(deps, team, subject);
    write(`${subject}-pack.json`, pack);
    write(`${subject}-pack-blocks.json`, { blocks });
  }
  const card = await buildQbrScorecard(deps, team, lastCompleteQuarter(now, timezone));
  write("qbr.json", card);
  write("qbr-blocks.json", { blocks: qbrBlocks(card) });
}
