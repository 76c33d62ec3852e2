// The scheduler's incremental CRM sync across replicas: one replica syncs a workspace per
// interval, an edit in HubSpot arrives by the next interval, and a replica that died holding the
// claim is replaced once its lease runs out.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadCrmConfig, type CrmConfig } from "../../src/config.js";
import { connectHubspot } from "../../src/crm/service.js";
import { crmSyncDuty } from "../../src/crm/sync-duty.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { memoryLogger } from "../helpers/cadence.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { seedPortal } from "../helpers/hubspot-portal.js";

const TEAM = "T0CADENCE";
const INTERVAL_MS = 5 * 60_000;

describeEachDatabase("the scheduled CRM sync", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let hubspot: FakeHubspot;
  let config: CrmConfig;
  let now = new Date("2026-11-30T12:00:00Z");
  const clock = { now: () => now };
  const replica = (owner: string) =>
    crmSyncDuty({ database, config, clock, logger: memoryLogger().logger, owner });

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    config = loadCrmConfig({
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HUBSPOT_API_URL: hubspot.baseUrl,
      CRM_SYNC_MINUTES: "5",
    });
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
    const connected = await connectHubspot(
      database.db,
      { config },
      {
        slackTeamId: TEAM,
        token: hubspot.accessToken,
      },
    );
    expect(connected.ok).toBe(true);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
    await hubspot.stop();
  });

  it("syncs each workspace on one replica only, once per interval", async () => {
    const [a, b] = [replica("replica-a"), replica("replica-b")];
    await Promise.all([a.duty(), b.duty()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(hubspot.requestsTo("/crm/v3/objects/contacts/search")).toHaveLength(1);
    expect(await database.db.lead.count()).toBe(3);
    const claims = await database.db.claim.findMany({
      where: { key: { startsWith: "crm.sync:" } },
    });
    expect(claims).toMatchObject([
      { key: `crm.sync:${TEAM}:2026-11-30T12:00:00.000Z`, status: "done" },
    ]);

    // The same interval again: nothing more.
    await Promise.all([a.duty(), b.duty()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(hubspot.requestsTo("/crm/v3/objects/contacts/search")).toHaveLength(1);

    // An edit in HubSpot is stored by the next interval's sync.
    hubspot.put("contacts", { hs_analytics_source: "EMAIL_MARKETING" }, "102");
    now = new Date(now.getTime() + INTERVAL_MS);
    await Promise.all([a.duty(), b.duty()]);
    await Promise.all([a.idle(), b.idle()]);
    expect(hubspot.requestsTo("/crm/v3/objects/contacts/search")).toHaveLength(2);
    const lead = await database.db.lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId: "102" } },
    });
    expect(lead.source).toBe("EMAIL_MARKETING");
    const status = await database.db.crmConnection.findUniqueOrThrow({
      where: { slackTeamId: TEAM },
    });
    expect(status.lastSuccessAt).toEqual(now);
  });

  it("leaves a workspace alone while another replica's sync of an earlier interval is still running", async () => {
    now = new Date(now.getTime() + INTERVAL_MS);
    // replica-b started a long backfill an hour ago and has just renewed its lease.
    await database.db.claim.create({
      data: {
        key: `crm.sync:${TEAM}:${new Date(now.getTime() - 3_600_000).toISOString()}`,
        owner: "replica-b",
        status: "claimed",
        leaseUntil: new Date(now.getTime() + INTERVAL_MS),
      },
    });
    const searches = hubspot.requestsTo("/crm/v3/objects/contacts/search").length;
    const other = replica("replica-a");
    await other.duty();
    await other.idle();
    expect(hubspot.requestsTo("/crm/v3/objects/contacts/search")).toHaveLength(searches);
    await database.db.claim.updateMany({
      where: { owner: "replica-b" },
      data: { status: "done", doneAt: now },
    });
  });

  it("takes over from a replica that died holding the claim, once its lease runs out", async () => {
    now = new Date(now.getTime() + INTERVAL_MS);
    const slot = new Date(Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS).toISOString();
    // A replica claimed this interval's sync and was killed before finishing.
    await database.db.claim.create({
      data: {
        key: `crm.sync:${TEAM}:${slot}`,
        owner: "replica-dead",
        status: "claimed",
        leaseUntil: new Date(now.getTime() + 60_000),
      },
    });
    hubspot.put("contacts", { hs_analytics_source: "SOCIAL_MEDIA" }, "102");
    const survivor = replica("replica-a");
    await survivor.duty();
    await survivor.idle();
    expect(
      (
        await database.db.lead.findUniqueOrThrow({
          where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId: "102" } },
        })
      ).source,
    ).toBe("EMAIL_MARKETING");

    now = new Date(now.getTime() + 61_000);
    await survivor.duty();
    await survivor.idle();
    expect(
      (
        await database.db.lead.findUniqueOrThrow({
          where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId: "102" } },
        })
      ).source,
    ).toBe("SOCIAL_MEDIA");
    expect(await database.db.lead.count()).toBe(3);
  });
});
