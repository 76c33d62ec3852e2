// The Salesforce connector end to end: the real jsforce against the fake Salesforce org, lead
// records stored through the same path as a CSV import, on each database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadCrmConfig, type CrmConfig } from "../../src/config.js";
import {
  connectSalesforce,
  crmCredentialsProblem,
  crmMapping,
  crmStatus,
  disconnectCrm,
  previewConnection,
  setCrmMapping,
  syncConnection,
} from "../../src/crm/service.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeSalesforce } from "../fakes/fake-salesforce.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0CADENCE";
const NOW = new Date("2026-11-30T12:00:00Z");
const QUEUE = "00G000000000001";

/** A standard org: three leads along the funnel and one owned by a queue. */
function seedOrg(org: FakeSalesforce) {
  const ana = org.putUser({ Email: "ana@acme.test", role: "Enterprise" });
  const ben = org.putUser({ Email: "ben@acme.test" });
  const won = org.put("Lead", {
    LastName: "Won",
    Company: "Globex",
    Status: "Open - Not Contacted",
    OwnerId: ana,
    LeadSource: "Web",
    Industry: "Technology",
    NumberOfEmployees: 250,
    Country: "Germany",
  });
  org.put("Lead", { Status: "Working - Contacted" }, won.Id);
  const opportunity = org.put("Opportunity", {
    Name: "Globex",
    StageName: "Closed Won",
    Amount: 12500.5,
    CloseDate: "2026-11-20",
    IsWon: true,
    IsClosed: true,
  });
  org.put(
    "Lead",
    {
      Status: "Closed - Converted",
      IsConverted: true,
      ConvertedDate: "2026-11-01",
      ConvertedOpportunityId: opportunity.Id,
    },
    won.Id,
  );
  const working = org.put("Lead", {
    LastName: "Working",
    Company: "Initech",
    Status: "Open - Not Contacted",
    OwnerId: ben,
    LeadSource: "Phone Inquiry",
    Country: "France",
  });
  const rejected = org.put("Lead", {
    LastName: "Rejected",
    Company: "Hooli",
    Status: "Open - Not Contacted",
    OwnerId: ana,
    LeadSource: "Partner Referral",
  });
  org.put("Lead", { Status: "Closed - Not Converted" }, rejected.Id);
  const queued = org.put("Lead", {
    LastName: "Queued",
    Company: "Umbrella",
    Status: "Working - Contacted",
    OwnerId: QUEUE,
    LeadSource: "Other",
  });
  return {
    won: won.Id,
    opportunity: opportunity.Id,
    working: working.Id,
    rejected: rejected.Id,
    queued: queued.Id,
  };
}

const at = (sfDateTime: unknown) => new Date(String(sfDateTime).replace("+0000", "Z"));

describeEachDatabase("Salesforce connector", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let org: FakeSalesforce;
  let config: CrmConfig;
  let ids: ReturnType<typeof seedOrg>;
  const deps = () => ({ config });
  const sync = (since?: Date) =>
    syncConnection(database, deps(), { slackTeamId: TEAM, timezone: "UTC", since, now: () => NOW });
  const leads = () =>
    database.db.lead.findMany({ where: { slackTeamId: TEAM }, orderBy: { crmId: "asc" } });
  const lead = (crmId: string) =>
    database.db.lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: TEAM, crmId } },
    });
  const connect = (secret = org.clientSecret) =>
    connectSalesforce(database.db, deps(), {
      slackTeamId: TEAM,
      loginUrl: `${org.baseUrl}/`,
      clientId: org.clientId,
      clientSecret: secret,
    });

  beforeAll(async () => {
    org = await new FakeSalesforce().start();
    org.pageSize = 2;
    ids = seedOrg(org);
    config = loadCrmConfig({ CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
    await org.stop();
  });

  it("refuses a consumer secret Salesforce refuses, and stores nothing", async () => {
    expect(await connect("not-the-secret")).toEqual({
      ok: false,
      message:
        "Salesforce refused the connected app's consumer key or secret (invalid client credentials). Copy both again from Setup > App Manager > your app > View > Manage Consumer Details. Nothing was stored.",
    });
    expect(await database.db.crmConnection.count()).toBe(0);
  });

  it("says how to enable the client credentials flow when the app has no run-as user", async () => {
    org.clientCredentialsEnabled = false;
    const result = await connect();
    org.clientCredentialsEnabled = true;
    expect(result).toEqual({
      ok: false,
      message: expect.stringContaining(
        'Salesforce refused the client credentials flow (no client credentials user enabled). In the connected app, tick "Enable Client Credentials Flow"',
      ) as string,
    });
    expect(await database.db.crmConnection.count()).toBe(0);
  });

  it("connects with the client credentials flow, verified with a query per object, and stores them sealed", async () => {
    expect(await connect()).toEqual({ ok: true });
    const token = org.requests.findLast((r) => r.path === "/services/oauth2/token")!;
    expect(token.method).toBe("POST");
    expect(org.requests.slice(-3).map((r) => r.soql)).toEqual([
      "SELECT Id FROM Lead LIMIT 1",
      "SELECT Id FROM Opportunity LIMIT 1",
      "SELECT Id FROM User LIMIT 1",
    ]);
    expect(org.requests.at(-1)!.authorization).toMatch(/^Bearer 00D/);
    const row = await database.db.crmConnection.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
    expect(row.provider).toBe("salesforce");
    expect(row.credentials).toMatch(/^v1:[0-9a-f]{8}:/);
    for (const secret of [org.clientSecret, org.clientId]) {
      expect(row.credentials).not.toContain(secret);
      expect(JSON.stringify(row.settings)).not.toContain(secret);
    }
    expect(row.settings).toMatchObject({ baseUrl: org.baseUrl, instanceUrl: org.baseUrl });
    expect(await crmCredentialsProblem(database.db, config.encryptionKey)).toBeNull();
    const mapping = await crmMapping(database.db, TEAM);
    expect(mapping).toMatchObject({
      ok: true,
      mapping: { status: { field: "Status", history: true }, lead: { source: "LeadSource" } },
    });
  });

  it("previews the latest leads: their Salesforce values and the lead records, writing nothing", async () => {
    const preview = await previewConnection(database.db, deps(), {
      slackTeamId: TEAM,
      timezone: "UTC",
      limit: 10,
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.provider).toBe("salesforce");
    expect(preview.items.map((item) => item.crmId)).toEqual([
      ids.queued,
      ids.rejected,
      ids.working,
      ids.won,
    ]);
    const won = preview.items[3]!;
    expect(won.raw).toMatchObject({
      "Lead.Status": "Closed - Converted",
      "Lead.ConvertedDate": "2026-11-01",
      "Owner.Email": "ana@acme.test",
      "Owner.UserRole.Name": "Enterprise",
      [`Opportunity ${ids.opportunity}.Amount`]: "12500.5",
      [`Opportunity ${ids.opportunity}.IsWon`]: "true",
    });
    expect(Object.values(won.raw)).toContain("Status: Open - Not Contacted -> Working - Contacted");
    expect(won.row).toMatchObject({
      id: ids.won,
      owner: "ana@acme.test",
      team: "Enterprise",
      accepted_at: "2026-11-01",
      closed_won_at: "2026-11-20",
      amount: "12500.5",
      source: "Web",
      sourced_by: "marketing",
      industry: "Technology",
      company_size: "250",
      country: "Germany",
    });
    expect(preview.items.every((item) => item.result.ok)).toBe(true);
    expect(await database.db.lead.count()).toBe(0);
  });

  it("backfills every lead a page at a time, with status history, owner and opportunity", async () => {
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ read: 4, inserted: 4, refused: 0, removed: 0 });
    // The four leads came in two pages: the second through nextRecordsUrl.
    expect(org.requests.filter((r) => /\/query\/01g\w+-2$/.test(r.path))).not.toHaveLength(0);
    const won = org.records.Lead.get(ids.won)!;
    const history = [...org.records.LeadHistory.values()];
    const workingAt = history.find(
      (h) => h.LeadId === ids.won && h.NewValue === "Working - Contacted",
    )!;
    expect(await lead(ids.won)).toMatchObject({
      mqlAt: at(won.CreatedDate),
      firstTouchAt: at(workingAt.CreatedDate),
      acceptedAt: new Date("2026-11-01T00:00:00Z"),
      rejectedAt: null,
      opportunityAt: at(org.records.Opportunity.get(ids.opportunity)!.CreatedDate),
      closedWonAt: new Date("2026-11-20T00:00:00Z"),
      closedLostAt: null,
      owner: "ana@acme.test",
      team: "Enterprise",
      source: "Web",
      sourcedBy: "marketing",
      industry: "Technology",
      companySize: "250",
      country: "Germany",
    });
    expect((await lead(ids.won)).amount?.toString()).toBe("12500.5");
    expect(await lead(ids.working)).toMatchObject({
      owner: "ben@acme.test",
      team: null,
      sourcedBy: "sales",
      firstTouchAt: null,
    });
    const rejectedAt = history.find((h) => h.LeadId === ids.rejected)!.CreatedDate;
    expect(await lead(ids.rejected)).toMatchObject({
      rejectedAt: at(rejectedAt),
      rejectionReason: "Closed - Not Converted",
      sourcedBy: "partner",
    });
    // A queue has no email: the lead keeps its id as owner.
    expect(await lead(ids.queued)).toMatchObject({ owner: QUEUE, sourcedBy: "other" });
    const status = await crmStatus(database.db, TEAM);
    expect(status).toMatchObject({ recordsRead: 4, lastSuccessAt: NOW, lastError: null });
    expect(status!.syncCursor).toEqual(at(org.records.Lead.get(ids.queued)!.SystemModstamp));
  });

  it("reads only what changed since its cursor, and follows a stage moving backwards", async () => {
    // The won deal is reopened (only the Opportunity changes), and the rejected lead is reopened.
    org.put(
      "Opportunity",
      { IsWon: false, IsClosed: false, StageName: "Negotiation" },
      ids.opportunity,
    );
    org.put("Lead", { Status: "Working - Contacted" }, ids.rejected);
    org.put("Lead", { Industry: "Retail" }, ids.working);
    const leadQueries = org.queriesOf("Lead").length;
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    // The cursor less five minutes: the leads changed since, not the whole org again.
    const cursor = new Date(org.records.Lead.get(ids.queued)!.SystemModstamp as string);
    const newQueries = org.queriesOf("Lead").slice(leadQueries);
    expect(newQueries).toContain(
      `SELECT Id, MasterRecordId, SystemModstamp FROM Lead WHERE IsDeleted = true AND SystemModstamp >= ${new Date(cursor.getTime() - 5 * 60_000).toISOString().slice(0, 19)}Z`,
    );
    expect(result.summary).toMatchObject({ updated: 3, refused: 0 });
    expect(await lead(ids.won)).toMatchObject({ closedWonAt: null, closedLostAt: null });
    expect(await lead(ids.rejected)).toMatchObject({
      rejectedAt: null,
      rejectionReason: null,
      firstTouchAt: at(org.records.Lead.get(ids.rejected)!.SystemModstamp),
    });
    expect((await lead(ids.working)).industry).toBe("Retail");
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toEqual(
      at(org.records.Lead.get(ids.working)!.SystemModstamp),
    );
  });

  it("forgets a deleted lead and a lead merged into another", async () => {
    org.deleteLead(ids.working);
    const deleted = await sync();
    if (!deleted.ok) throw new Error(deleted.message);
    expect(deleted.summary.removed).toBe(1);
    // The deletion is the newest change: the cursor moves to it.
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toEqual(
      at(org.records.Lead.get(ids.working)!.SystemModstamp),
    );
    org.mergeLeads(ids.won, ids.queued);
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.removed).toBe(1);
    expect((await leads()).map((l) => l.crmId)).toEqual([ids.won, ids.rejected].sort());
  });

  it("checks a new mapping whole, then reads every lead again with it, refusing what it must", async () => {
    const bad = await setCrmMapping(database.db, TEAM, {
      stages: { mql_at: { field: "MQL Date" } },
      sourcedBy: { otherwise: "events" },
    });
    expect(bad).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^The mapping was not changed: stages\.mql_at\.field must be a Salesforce field's API name.*; sourcedBy\.otherwise /,
      ) as string,
    });
    expect((await crmStatus(database.db, TEAM))!.syncCursor).not.toBeNull();

    org.put("Lead", { MQL_Date__c: "2026-10-30T08:00:00.000+0000" }, ids.won);
    org.put(
      "Lead",
      {
        Status: "Closed - Not Converted",
        Rejection_Reason__c: "no budget",
        MQL_Date__c: "2026-10-31T08:00:00.000+0000",
      },
      ids.rejected,
    );
    const changed = await setCrmMapping(database.db, TEAM, {
      stages: { mql_at: { field: "MQL_Date__c" } },
      rejection: { reason: "Rejection_Reason__c" },
    });
    expect(changed.ok).toBe(true);
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toBeNull();
    const added = org.put("Lead", {
      LastName: "No MQL date",
      Company: "Vandelay",
      Status: "Open - Not Contacted",
    });

    const preview = await previewConnection(database.db, deps(), {
      slackTeamId: TEAM,
      timezone: "UTC",
      limit: 1,
    });
    if (!preview.ok) throw new Error(preview.message);
    const refusal = {
      column: "mql_at",
      value: "",
      problem: expect.stringContaining("required") as string,
    };
    expect(preview.items[0]!.crmId).toBe(added.Id);
    expect(preview.items[0]!.result).toEqual({ ok: false, problems: [{ line: 1, ...refusal }] });

    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ read: 3, refused: 1 });
    expect(result.summary.problems).toEqual([{ crmId: added.Id, ...refusal }]);
    expect(await lead(ids.won)).toMatchObject({ mqlAt: new Date("2026-10-30T08:00:00Z") });
    expect(await lead(ids.rejected)).toMatchObject({ rejectionReason: "no budget" });
    expect((await crmStatus(database.db, TEAM))!.recordsRefused).toBe(1);
  });

  it("signs in again when the session expires mid-sync (the flow has no refresh token)", async () => {
    org.put("Lead", { Country: "Peru" }, ids.won);
    const tokens = () => org.requests.filter((r) => r.path === "/services/oauth2/token").length;
    const before = tokens();
    const result = await syncConnection(database, deps(), {
      slackTeamId: TEAM,
      timezone: "UTC",
      since: new Date(0),
      now: () => NOW,
      onProgress: () => org.expireSessions(),
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.read).toBe(3);
    // One sign-in to start, one more after the session was dropped.
    expect(tokens() - before).toBe(2);
    expect((await lead(ids.won)).country).toBe("Peru");
  });

  it("rides out 503 answers with jsforce's backoff", async () => {
    org.put("Lead", { Country: "Spain" }, ids.won);
    org.unavailable = 2;
    const recovered = await sync();
    if (!recovered.ok) throw new Error(recovered.message);
    expect((await lead(ids.won)).country).toBe("Spain");
    expect(org.unavailable).toBe(0);
  });

  it("stops under SALESFORCE_DAILY_FLOOR, and on REQUEST_LIMIT_EXCEEDED, keeping the cursor and saying why", async () => {
    const cursor = (await crmStatus(database.db, TEAM))!.syncCursor;
    org.put("Lead", { Country: "Italy" }, ids.won);
    org.apiUsage = { used: 99_990, limit: 100_000 };
    const floored = await syncConnection(
      database,
      { config: { ...config, salesforceDailyFloor: 50 } },
      { slackTeamId: TEAM, timezone: "UTC", now: () => NOW },
    );
    expect(floored).toEqual({
      ok: false,
      message: expect.stringContaining(
        "Salesforce's daily API allowance is nearly used up (9 of 100,000 requests left, under the floor of 50)",
      ) as string,
      reason: "daily-allowance",
    });
    const status = await crmStatus(database.db, TEAM);
    expect(status!.syncCursor).toEqual(cursor);
    expect(status!.lastError).toContain("set SALESFORCE_DAILY_FLOOR to change the floor");
    expect((await lead(ids.won)).country).toBe("Spain");

    org.apiUsage = { used: 100_000, limit: 100_000 };
    const exceeded = await sync();
    expect(exceeded).toEqual({
      ok: false,
      message:
        "Salesforce's API request limit is exceeded (TotalRequests Limit exceeded.). The sync resumes on its own once Salesforce allows requests again. Records stored before this stay stored; the next sync resumes after them.",
    });

    org.apiUsage = { used: 1_000, limit: 100_000 };
    const resumed = await sync();
    if (!resumed.ok) throw new Error(resumed.message);
    expect((await lead(ids.won)).country).toBe("Italy");
    expect((await crmStatus(database.db, TEAM))!.lastError).toBeNull();
  });

  it("disconnects: the credentials go, the leads stay", async () => {
    expect(await disconnectCrm(database.db, TEAM)).toBe(true);
    expect(await crmStatus(database.db, TEAM)).toBeNull();
    expect(await database.db.lead.count()).toBe(2);
  });
});
