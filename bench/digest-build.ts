// Time to build the digest for a week over 1,000,000 leads spread across two years, on SQLite
// and PostgreSQL: the import fills the database (the sample generator), then the digest of the
// last week is built several times (the first run separately: cold caches and query planning).
import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { sampleSource } from "../src/demo/sample.js";
import { workspaceDigest } from "../src/digest/service.js";
import { lastCompleteWeek } from "../src/digest/week.js";
import { importLeads } from "../src/funnel/import.js";
import { createTestDatabase, type TestProvider } from "../tests/helpers/databases.js";
import { percentile } from "./stats.js";

const TEAM = "T0BENCH";
const TIMEZONE = "America/New_York";

export interface DigestBench {
  provider: TestProvider;
  leads: number;
  firstMs: number;
  p50Ms: number;
  maxMs: number;
}

export async function benchDigestBuild(
  provider: TestProvider,
  leads = 1_000_000,
  runs = 7,
): Promise<DigestBench> {
  const database = await createTestDatabase(provider);
  try {
    await migrateDatabase(database.url);
    const opened = openDatabase(database.url);
    try {
      await opened.configure();
      await opened.db.workspace.create({
        data: { slackTeamId: TEAM, name: "Bench", timezone: TIMEZONE, settings: {} },
      });
      const now = new Date("2026-11-23T14:00:00Z");
      const end = lastCompleteWeek(now, TIMEZONE).end;
      await importLeads(opened, sampleSource({ count: leads, end, days: 730 }), {
        slackTeamId: TEAM,
        timezone: TIMEZONE,
        skipInvalid: false,
      });
      if (provider === "postgres") await opened.db.$executeRawUnsafe(`ANALYZE "Lead"`);
      const times: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        const built = await workspaceDigest(opened, TEAM, { kind: "last-complete", now });
        times.push(performance.now() - started);
        if (built.digest.volumes.mql === 0) throw new Error("the bench week has no MQLs");
      }
      const warm = times.slice(1).sort((a, b) => a - b);
      return {
        provider,
        leads,
        firstMs: times[0]!,
        p50Ms: percentile(warm, 50),
        maxMs: warm.at(-1)!,
      };
    } finally {
      await opened.close();
    }
  } finally {
    await database.drop();
  }
}
