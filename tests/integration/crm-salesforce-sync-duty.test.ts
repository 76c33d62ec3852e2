// The scheduler's incremental sync of a Salesforce org across replicas: one replica syncs per
// interval, an edit arrives by the next interval, and a replica killed mid-backfill (after its
// first stored page) loses nothing and doubles nothing: the next replica resumes from the cursor.
// The killing: the replica's next page cannot be read, and its claim is left as a dead process
// leaves it (claimed, its lease running).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadCrmConfig, type CrmConfig } from "../../src/config.js";
import { connectSalesforce } from "../../src/crm/service.js";
import { crmSyncDuty } from "../../src/crm/sync-duty.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeSalesforce } from "../fakes/fake-salesforce.js";
import { memoryLogger } from "../helpers/cadence.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0CADENCE";
const INTERVAL_MS = 5 * 60_000;

describeEachDatabase("the scheduled Salesforce sync", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let org: FakeSalesforce;
  let config: CrmConfig;
  let now = new Date("2026-11-30T12:00:00Z");
  const clock = { now: () => now };
  const replica = (owner: string) =>
    crmSyncDuty({ database, config, clock, logger: memoryLogger().logger, owner });
  const leadQueries = () =>
    org.queriesOf("Lead").filter((soql) => soql.includes("ORDER BY SystemModstamp ASC"));
  const leadIds: string[] = [];

  beforeAll(async () => {
    org = await new FakeSalesforce().start();
    org.pageSize = 2;
    const owner = org.putUser({ Email: "ana@acme.test" });
    for (const name of ["One", "Two", "Three", "Four"])
      leadIds.push(
        org.put("Lead", { LastName: name, Status: "Open - Not Contacted", OwnerId: owner }).Id,
      );
    config = loadCrmConfig({
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      CRM_SYNC_MINUTES: "5",
    });
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
    const connected = await connectSalesforce(
      database.db,
      { config },
      {
        slackTeamId: TEAM,
        loginUrl: org.baseUrl,
        clientId: org.clientId,
        clientSecret: org.clientSecret,
      },
    );
    expect(connected.ok).toBe(true);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
    await org.stop();
  });

  it("resumes a backfill whose replica was killed after its first page, from the cursor", async () => {
    // A replica claimed this interval, stored the first page (two leads, cursor moved) and died.
    const dying = replica("replica-dead");
    const slot = new Date(Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS).toISOString();
    const page = leadIds.slice(0, 2);
    // Its queries' next pages are gone, as they would be with the process.
    org.keepLocators = false;
    await dying.duty();
    await dying.idle();
    org.keepLocators = true;
    const afterDeath = await database.db.lead.findMany({ orderBy: { crmId: "asc" } });
    expect(afterDeath.map((lead) => lead.crmId)).toEqual(page);
    const connection = await database.db.crmConnection.findUniqueOrThrow({
      where: { slackTeamId: TEAM },
    });
    expect(connection.syncCursor).toEqual(
      new Date(String(org.records.Lead.get(leadIds[1]!)!.SystemModstamp).replace("+0000", "Z")),
    );
    // The dead replica's claim stays live until its lease runs out.
    await database.db.claim.updateMany({
      where: { key: `crm.sync:${TEAM}:${slot}` },
      data: { status: "claimed", leaseUntil: new Date(now.getTime() + 60_000) },
    });
    const survivor = replica("replica-a");
    await survivor.duty();
    await survivor.idle();
    expect(await database.db.lead.count()).toBe(2);

    now = new Date(now.getTime() + INTERVAL_MS);
    const queriesBefore = leadQueries().length;
    await survivor.duty();
    await survivor.idle();
    // It asked for the leads from the cursor less the overlap, not from the beginning.
    const resumed = leadQueries().slice(queriesBefore);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).not.toContain("SystemModstamp >= 1970-01-01T00:00:00Z");
    const stored = await database.db.lead.findMany({ orderBy: { crmId: "asc" } });
    expect(stored.map((lead) => lead.crmId)).toEqual(leadIds);
    const status = await database.db.crmConnection.findUniqueOrThrow({
      where: { slackTeamId: TEAM },
    });
    expect(status).toMatchObject({ lastError: null, lastSuccessAt: now });
  });

  it("syncs on one replica only per interval, and an edit arrives by the next interval", async () => {
    now = new Date(now.getTime() + INTERVAL_MS);
    org.put("Lead", { Country: "Norway" }, leadIds[0]);
    const before = leadQueries().length;
    const [a, b] = [replica("replica-a"), replica("replica-b")];
    await Promise.all([a.duty(), b.duty()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(leadQueries()).toHaveLength(before + 1);
    // The same interval again: nothing more.
    await Promise.all([a.duty(), b.duty()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(leadQueries()).toHaveLength(before + 1);
    const lead = await database.db.lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId: leadIds[0]! } },
    });
    expect(lead.country).toBe("Norway");
    expect(await database.db.lead.count()).toBe(4);
  });
});
