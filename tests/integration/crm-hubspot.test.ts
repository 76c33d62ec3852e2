// The HubSpot connector end to end: the real @hubspot/api-client against the fake HubSpot, lead
// records stored through the same path as a CSV import, on each database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadCrmConfig, type CrmConfig } from "../../src/config.js";
import {
  connectHubspot,
  crmCredentialsProblem,
  crmStatus,
  disconnectCrm,
  previewHubspot,
  setCrmMapping,
  syncHubspot,
} from "../../src/crm/service.js";
import { hubspotApi, type RetryPolicy } from "../../src/crm/hubspot/api.js";
import { SEARCH_PAGE_SIZE } from "../../src/crm/hubspot/reader.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { seedPortal } from "../helpers/hubspot-portal.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";

const TEAM = "T0CADENCE";
const NOW = new Date("2026-11-30T12:00:00Z");

describeEachDatabase("HubSpot connector", (provider) => {
  let testDb: TestDatabase;
  let database: Database;
  let hubspot: FakeHubspot;
  let config: CrmConfig;
  const waits: number[] = [];
  const retry: RetryPolicy = {
    attempts: 4,
    baseDelayMs: 1,
    maxWaitMs: 60_000,
    sleep: (ms) => {
      waits.push(ms);
      return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
    },
  };
  const deps = () => ({ config, retry });
  const sync = (since?: Date) =>
    syncHubspot(database, deps(), { slackTeamId: TEAM, timezone: "UTC", since, now: () => NOW });
  const leads = () =>
    database.db.lead.findMany({ where: { slackTeamId: TEAM }, orderBy: { crmId: "asc" } });

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    config = loadCrmConfig({
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HUBSPOT_API_URL: hubspot.baseUrl,
    });
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
    await hubspot.stop();
  });

  it("refuses a token HubSpot refuses, and stores nothing", async () => {
    const result = await connectHubspot(database.db, deps(), {
      slackTeamId: TEAM,
      token: "pat-na1-00000000-wrong-token-0000",
    });
    expect(result).toEqual({
      ok: false,
      message:
        "HubSpot refused the access token (401). Copy it again from the private app's Auth tab (Settings > Integrations > Private Apps). Nothing was stored.",
    });
    expect(await database.db.crmConnection.count()).toBe(0);
  });

  it("names a scope the private app lacks, and stores nothing", async () => {
    hubspot.missingScopes.add("crm.objects.owners.read");
    const result = await connectHubspot(database.db, deps(), {
      slackTeamId: TEAM,
      token: hubspot.accessToken,
    });
    hubspot.missingScopes.clear();
    expect(result).toEqual({
      ok: false,
      message:
        "The private app lacks the crm.objects.owners.read scope (HubSpot answered 403). Add it in HubSpot (Settings > Integrations > Private Apps > your app > Scopes); the token stays the same. Nothing was stored.",
    });
    expect(await database.db.crmConnection.count()).toBe(0);
  });

  it("connects with a good token, verified through the SDK, and stores it sealed", async () => {
    expect(
      await connectHubspot(database.db, deps(), { slackTeamId: TEAM, token: hubspot.accessToken }),
    ).toEqual({ ok: true });
    expect(hubspot.requests.slice(-4).map((request) => request.path)).toEqual([
      "/crm/v3/objects/contacts",
      "/crm/v3/objects/companies",
      "/crm/v3/objects/deals",
      "/crm/v3/owners/",
    ]);
    expect(hubspot.requests.at(-1)!.authorization).toBe(`Bearer ${hubspot.accessToken}`);
    const row = await database.db.crmConnection.findUniqueOrThrow({ where: { slackTeamId: TEAM } });
    expect(row.provider).toBe("hubspot");
    expect(row.credentials).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row.credentials).not.toContain(hubspot.accessToken);
    expect(JSON.stringify(row.settings)).not.toContain(hubspot.accessToken);
    expect((row.settings as { baseUrl: string }).baseUrl).toBe(hubspot.baseUrl);
    expect(await crmCredentialsProblem(database.db, config.encryptionKey)).toBeNull();
  });

  it("previews records: the HubSpot values, the lead record, and why one is refused", async () => {
    hubspot.put(
      "contacts",
      {
        email: "no-reason@initech.test",
        hs_v2_date_entered_marketingqualifiedlead: "2026-11-07T09:00:00.000Z",
        hs_lead_status: "UNQUALIFIED",
      },
      "104",
    );
    const preview = await previewHubspot(database.db, deps(), {
      slackTeamId: TEAM,
      timezone: "UTC",
      limit: 10,
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.items.map((item) => item.crmId)).toEqual(["101", "102", "103", "104"]);
    const won = preview.items[0]!;
    expect(won.raw).toMatchObject({
      "contact.hubspot_owner_id": "501",
      "company 1001.industry": "COMPUTER_SOFTWARE",
      "deal 1002.amount": "12500.50",
    });
    expect(won.row).toMatchObject({
      id: "101",
      owner: "ana@acme.test",
      team: "Enterprise",
      closed_won_at: "2026-11-20T15:00:00.000Z",
      amount: "12500.50",
      industry: "COMPUTER_SOFTWARE",
      company_size: "250",
      country: "Germany",
      sourced_by: "marketing",
    });
    expect(won.result.ok).toBe(true);
    const refused = preview.items[3]!;
    expect(refused.result).toEqual({
      ok: false,
      problems: [
        {
          line: 4,
          column: "rejection_reason",
          value: "",
          problem: "is required when rejected_at is set (e.g. wrong company size, no budget)",
        },
      ],
    });
    expect(await database.db.lead.count()).toBe(0);
  });

  it("backfills every contact, refusing the invalid one, and moves the cursor", async () => {
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ read: 4, inserted: 3, refused: 1 });
    expect(result.summary.problems).toEqual([
      {
        crmId: "104",
        column: "rejection_reason",
        value: "",
        problem: "is required when rejected_at is set (e.g. wrong company size, no budget)",
      },
    ]);
    const stored = await leads();
    expect(stored.map((lead) => lead.crmId)).toEqual(["101", "102", "103"]);
    expect(stored[0]).toMatchObject({
      mqlAt: new Date("2026-11-02T09:00:00Z"),
      firstTouchAt: new Date("2026-11-02T09:20:00Z"),
      acceptedAt: new Date("2026-11-03T10:00:00Z"),
      opportunityAt: new Date("2026-11-05T10:00:00Z"),
      closedWonAt: new Date("2026-11-20T15:00:00Z"),
      owner: "ana@acme.test",
      team: "Enterprise",
      source: "ORGANIC_SEARCH",
      sourcedBy: "marketing",
      industry: "COMPUTER_SOFTWARE",
      companySize: "250",
      country: "Germany",
    });
    expect(stored[0]!.amount?.toString()).toBe("12500.5");
    expect(stored[1]).toMatchObject({ owner: "ben@acme.test", sourcedBy: "sales", team: null });
    // Rejected when the lead status became UNQUALIFIED (its property history), with its reason.
    const rejectedSetAt =
      hubspot.objects.contacts.get("103")!.history.hs_lead_status![0]!.timestamp;
    expect(stored[2]).toMatchObject({
      rejectedAt: new Date(rejectedSetAt),
      rejectionReason: "no budget",
    });
    const status = await crmStatus(database.db, TEAM);
    expect(status).toMatchObject({
      recordsRead: 4,
      recordsRefused: 1,
      lastSuccessAt: NOW,
      lastError: null,
    });
    expect(status!.syncCursor).toEqual(
      new Date(hubspot.objects.contacts.get("104")!.properties.lastmodifieddate!),
    );
  });

  it("picks up an edit on the next sync, and writes only what changed", async () => {
    hubspot.put(
      "contacts",
      {
        hs_v2_date_entered_salesqualifiedlead: "2026-11-05T08:00:00.000Z",
      },
      "102",
    );
    hubspot.put("contacts", { rejection_reason: "wrong company size" }, "104");
    const searchesBefore = hubspot.requestsTo("/crm/v3/objects/contacts/search").length;
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ inserted: 1, updated: 1, refused: 0 });
    // It searched from its cursor (less the overlap), on lastmodifieddate, oldest first.
    const search = hubspot.requestsTo("/crm/v3/objects/contacts/search")[searchesBefore]!;
    expect(search.body).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: "lastmodifieddate", operator: "GTE" }] }],
      sorts: [{ propertyName: "lastmodifieddate", direction: "ASCENDING" }],
    });
    const stored = await leads();
    expect(stored.find((lead) => lead.crmId === "102")!.acceptedAt).toEqual(
      new Date("2026-11-05T08:00:00Z"),
    );
    expect(stored.find((lead) => lead.crmId === "104")!.rejectionReason).toBe("wrong company size");
  });

  it("waits as HubSpot's 429 says (Retry-After), then carries on", async () => {
    hubspot.put("contacts", { hs_analytics_source: "REFERRALS" }, "101");
    hubspot.rateLimited = { next: 2, retryAfterSeconds: 3 };
    waits.length = 0;
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(waits).toEqual([3000, 3000]);
    expect(result.summary.updated).toBe(1);
    expect((await leads()).find((lead) => lead.crmId === "101")!.source).toBe("REFERRALS");
  });

  it("backs off on 5xx answers, and after the last attempt records the error and keeps the cursor", async () => {
    const before = (await crmStatus(database.db, TEAM))!.syncCursor;
    hubspot.failing = { next: 2, status: 503 };
    waits.length = 0;
    const recovered = await sync();
    expect(recovered.ok).toBe(true);
    expect(waits).toEqual([1, 2]);

    hubspot.failing = { next: 10, status: 502 };
    const failed = await sync();
    hubspot.failing = { next: 0, status: 502 };
    expect(failed).toEqual({
      ok: false,
      message:
        "HubSpot answered 502: internal error Records stored before this stay stored; the next sync resumes after them.",
    });
    const status = await crmStatus(database.db, TEAM);
    expect(status).toMatchObject({ lastError: "HubSpot answered 502: internal error" });
    expect(status!.syncCursor).toEqual(before);
  });

  it("follows a stage moving backwards: a cleared date clears the stored one", async () => {
    hubspot.put("contacts", { hs_v2_date_entered_salesqualifiedlead: "" }, "102");
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.updated).toBe(1);
    expect((await leads()).find((lead) => lead.crmId === "102")!.acceptedAt).toBeNull();
  });

  it("applies a mapping change to every contact on the next sync", async () => {
    const bad = await setCrmMapping(database.db, TEAM, {
      sourcedBy: { byValue: { REFERRALS: "partners" } },
    });
    expect(bad.ok).toBe(false);
    const changed = await setCrmMapping(database.db, TEAM, {
      sourcedBy: { byValue: { REFERRALS: "partner", OFFLINE: "sales" } },
    });
    expect(changed.ok).toBe(true);
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toBeNull();
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ read: 4, updated: 1, unchanged: 3 });
    expect((await leads()).find((lead) => lead.crmId === "101")!.sourcedBy).toBe("partner");
  });

  it("pages a backfill larger than one search page by windowing on lastmodifieddate", async () => {
    // Two and a half search pages.
    const added = SEARCH_PAGE_SIZE * 2.5;
    for (let i = 0; i < added; i += 1)
      hubspot.put("contacts", {
        hs_v2_date_entered_marketingqualifiedlead: "2026-11-10T09:00:00.000Z",
        hs_analytics_source: "DIRECT_TRAFFIC",
      });
    const searchesBefore = hubspot.requestsTo("/crm/v3/objects/contacts/search").length;
    const result = await sync(new Date("2026-01-01T00:00:00Z"));
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.read).toBe(added + 4);
    expect(await database.db.lead.count()).toBe(added + 4);
    // No page used `after`: each window starts where the last one ended.
    const searches = hubspot.requestsTo("/crm/v3/objects/contacts/search").slice(searchesBefore);
    expect(searches.length).toBeGreaterThanOrEqual(3);
    expect(
      searches.every((request) => (request.body as { after?: string }).after === undefined),
    ).toBe(true);
  });

  it("does not move the cursor past changes a later --since left out", async () => {
    const before = (await crmStatus(database.db, TEAM))!.syncCursor!;
    hubspot.put("contacts", { hs_analytics_source: "DIRECT_TRAFFIC" }, "103");
    hubspot.put("contacts", { hs_analytics_source: "DIRECT_TRAFFIC" }, "102");
    const later = new Date(hubspot.objects.contacts.get("102")!.properties.lastmodifieddate!);
    const partial = await sync(later);
    if (!partial.ok) throw new Error(partial.message);
    expect(partial.summary).toMatchObject({ read: 1, updated: 1 });
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toEqual(before);
    const rest = await sync();
    if (!rest.ok) throw new Error(rest.message);
    expect((await leads()).find((lead) => lead.crmId === "103")!.source).toBe("DIRECT_TRAFFIC");
    expect((await crmStatus(database.db, TEAM))!.syncCursor).toEqual(later);
  });

  it("pages a run of contacts modified in the same millisecond with `after`, and HubSpot refuses paging past 10,000", async () => {
    const same = "2026-12-01T00:00:00.000Z";
    // A page and a half, all modified at the same instant.
    const added = SEARCH_PAGE_SIZE * 1.5;
    for (let i = 0; i < added; i += 1)
      hubspot.put("contacts", {
        hs_v2_date_entered_marketingqualifiedlead: "2026-11-10T09:00:00.000Z",
        lastmodifieddate: same,
      });
    const searchesBefore = hubspot.requestsTo("/crm/v3/objects/contacts/search").length;
    const result = await sync(new Date(same));
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toMatchObject({ read: added, inserted: added });
    const afters = hubspot
      .requestsTo("/crm/v3/objects/contacts/search")
      .slice(searchesBefore)
      .map((request) => (request.body as { after?: string }).after);
    expect(afters).toEqual([undefined, String(SEARCH_PAGE_SIZE)]);

    const api = hubspotApi(hubspot.accessToken, hubspot.baseUrl, retry);
    await expect(
      api.searchContacts({ modifiedSince: new Date(0), properties: [], limit: 100, after: "9950" }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("removes the lead of a contact deleted in HubSpot, and of one merged into another", async () => {
    hubspot.archive("103");
    hubspot.merge("101", "102");
    const result = await sync();
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.removed).toBe(2);
    const ids = (await leads()).map((lead) => lead.crmId);
    expect(ids).toContain("101");
    expect(ids).not.toContain("102");
    expect(ids).not.toContain("103");
    // Nothing left to remove the next time.
    const again = await sync();
    expect(again.ok && again.summary.removed).toBe(0);
  });

  it("start refuses when the key is missing or another key", async () => {
    expect(await crmCredentialsProblem(database.db, undefined)).toContain(
      `a CRM is connected (hubspot for ${TEAM}) but CADENCE_ENCRYPTION_KEY is not set`,
    );
    const other = loadCrmConfig({ CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("hex") });
    expect(await crmCredentialsProblem(database.db, other.encryptionKey)).toContain(
      "CADENCE_ENCRYPTION_KEY is not the key these credentials were stored with",
    );
  });

  it("disconnects: the credentials are gone, the leads stay", async () => {
    expect(await disconnectCrm(database.db, TEAM)).toBe(true);
    expect(await database.db.crmConnection.count()).toBe(0);
    // Four contacts, then two and a half pages and a page and a half, less the two removed.
    expect(await database.db.lead.count()).toBe(4 + SEARCH_PAGE_SIZE * 4 - 2);
    expect(await disconnectCrm(database.db, TEAM)).toBe(false);
  });
});
