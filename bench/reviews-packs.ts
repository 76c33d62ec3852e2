// Time to build the MQL review pack, the ICP review pack and the QBR scorecard over 1,000,000
// leads spread across two years, on SQLite and PostgreSQL: the import fills the database (the
// sample generator, as the digest bench does), an ICP is agreed so the pack checks every won
// deal against it, then each is built several times (the first run separately).
import { fixedClock } from "../src/clock.js";
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { sampleSource } from "../src/demo/sample.js";
import { approveVersion, proposeVersion, setLead } from "../src/definitions/service.js";
import { importLeads } from "../src/funnel/import.js";
import { buildIcpPack } from "../src/reviews/icp-pack.js";
import { buildMqlPack } from "../src/reviews/mql-pack.js";
import { buildQbrScorecard } from "../src/reviews/qbr.js";
import { lastCompleteQuarter } from "../src/reviews/window.js";
import { createTestDatabase, type TestProvider } from "../tests/helpers/databases.js";
import { percentile } from "./stats.js";

const TEAM = "T0BENCH";
const TIMEZONE = "America/New_York";

export interface PackTiming {
  pack: "mql" | "icp" | "qbr";
  firstMs: number;
  p50Ms: number;
  maxMs: number;
}

export async function benchReviewPacks(
  provider: TestProvider,
  leads = 1_000_000,
  runs = 5,
): Promise<PackTiming[]> {
  const database = await createTestDatabase(provider);
  try {
    await migrateDatabase(database.url);
    const opened = openDatabase(database.url);
    try {
      await opened.configure();
      await opened.db.workspace.create({
        data: { slackTeamId: TEAM, name: "Bench", timezone: TIMEZONE, settings: {} },
      });
      const now = new Date("2026-12-01T15:00:00Z");
      await importLeads(opened, sampleSource({ count: leads, end: now, days: 730 }), {
        slackTeamId: TEAM,
        timezone: TIMEZONE,
        skipInvalid: false,
      });
      // PostgreSQL's autovacuum analyses a table after a large import; nothing analyses a SQLite
      // file after one, so SQLite is measured without statistics, as a user would run it.
      if (provider === "postgres") await opened.db.$executeRawUnsafe(`ANALYZE "Lead"`);
      const deps = { db: opened.db, provider, clock: fixedClock(now.toISOString()) };
      await setLead(opened.db, TEAM, "marketing", "U0MKT");
      await setLead(opened.db, TEAM, "sales", "U0SALES");
      const icp = await proposeVersion(deps, TEAM, "U0MKT", {
        subject: "icp",
        text: "Software and financial services, 51 to 1000 people, US and Canada.",
        terms: {
          industries: ["software", "financial services"],
          companySizes: ["51-200", "201-1000"],
          countries: ["US", "CA"],
        },
        effectiveOn: "2026-12-01",
      });
      if (!icp.ok) throw new Error(icp.message);
      await approveVersion(deps, TEAM, "U0MKT", icp.version.id);
      await approveVersion(deps, TEAM, "U0SALES", icp.version.id);
      const quarter = lastCompleteQuarter(now, TIMEZONE);
      const builders = {
        mql: async () => {
          const pack = await buildMqlPack(deps, TEAM);
          if (!pack.conversionBySource.length) throw new Error("the MQL window has no MQLs");
        },
        icp: async () => {
          const pack = await buildIcpPack(deps, TEAM);
          if (!pack.won || !pack.icpFit) throw new Error("the ICP window has no won deals");
        },
        qbr: async () => {
          const card = await buildQbrScorecard(deps, TEAM, quarter);
          if (!card.speedToLead.mqls) throw new Error("the quarter has no MQLs");
        },
      };
      const rows: PackTiming[] = [];
      for (const [pack, build] of Object.entries(builders) as Array<
        [PackTiming["pack"], () => Promise<void>]
      >) {
        const times: number[] = [];
        for (let run = 0; run < runs; run += 1) {
          const started = performance.now();
          await build();
          times.push(performance.now() - started);
        }
        const warm = times.slice(1).sort((a, b) => a - b);
        rows.push({ pack, firstMs: times[0]!, p50Ms: percentile(warm, 50), maxMs: warm.at(-1)! });
      }
      return rows;
    } finally {
      await opened.close();
    }
  } finally {
    await database.drop();
  }
}
