import { describe, expect, it } from "vitest";
import {
  DEFAULT_HUBSPOT_RETRY,
  retryDelay,
  type HubspotObject,
} from "../../src/crm/hubspot/api.js";
import {
  contactProperties,
  DEFAULT_HUBSPOT_MAPPING,
  firstDeal,
  HubspotMappingSchema,
  mapContact,
  type ContactContext,
} from "../../src/crm/hubspot/mapping.js";
import { leadInputSchema, parseLead } from "../../src/funnel/rules.js";

const object = (id: string, properties: Record<string, string | null>): HubspotObject => ({
  id,
  properties,
});

const owners = new Map([
  ["501", { id: "501", email: "ana@acme.test", team: "Enterprise" }],
  ["502", { id: "502", email: null, team: null }],
]);

function context(overrides: Partial<ContactContext> = {}): ContactContext {
  return {
    contact: object("101", {
      hs_v2_date_entered_marketingqualifiedlead: "2026-11-02T09:00:00.000Z",
      hs_v2_date_entered_salesqualifiedlead: "2026-11-03T10:00:00.000Z",
      hubspot_owner_id: "501",
      hs_analytics_source: "PAID_SOCIAL",
      hs_lead_status: "OPEN_DEAL",
    }),
    company: object("7", { industry: "RETAIL", numberofemployees: "40", country: "France" }),
    deal: object("9", {
      amount: "9000",
      closedate: "2026-11-25T12:00:00.000Z",
      hs_is_closed: "true",
      hs_is_closed_won: "false",
    }),
    owners,
    rejectedAt: null,
    ...overrides,
  };
}

const validate = (row: Record<string, string>) => parseLead(leadInputSchema("UTC"), row, 1);

describe("mapping a HubSpot contact to a lead record", () => {
  it("maps a standard portal's properties, and the record passes the CSV rules", () => {
    const row = mapContact(context(), DEFAULT_HUBSPOT_MAPPING);
    expect(row).toEqual({
      id: "101",
      mql_at: "2026-11-02T09:00:00.000Z",
      first_touch_at: "",
      accepted_at: "2026-11-03T10:00:00.000Z",
      rejected_at: "",
      rejection_reason: "",
      opportunity_at: "",
      closed_won_at: "",
      closed_lost_at: "2026-11-25T12:00:00.000Z",
      amount: "9000",
      owner: "ana@acme.test",
      team: "Enterprise",
      source: "PAID_SOCIAL",
      sourced_by: "marketing",
      influenced: "",
      industry: "RETAIL",
      company_size: "40",
      country: "France",
    });
    const parsed = validate(row);
    expect(parsed.ok && parsed.record.closedLostAt).toEqual(new Date("2026-11-25T12:00:00Z"));
  });

  it("rejects at the time the status became a rejected value, with the reason property", () => {
    const rejected = context({
      contact: object("102", {
        hs_v2_date_entered_marketingqualifiedlead: "2026-11-02T09:00:00.000Z",
        hs_lead_status: "UNQUALIFIED",
        rejection_reason: "no budget",
      }),
      company: undefined,
      deal: undefined,
      rejectedAt: "2026-11-04T08:00:00.000Z",
    });
    const row = mapContact(rejected, DEFAULT_HUBSPOT_MAPPING);
    expect(row).toMatchObject({
      rejected_at: "2026-11-04T08:00:00.000Z",
      rejection_reason: "no budget",
      amount: "",
      industry: "",
    });
    expect(validate(row).ok).toBe(true);
  });

  it("refuses, through the CSV rules, a rejected lead without a reason, and a lead without an MQL date", () => {
    const problemsOf = (properties: Record<string, string>) => {
      const row = mapContact(
        context({
          contact: object("103", properties),
          rejectedAt: "2026-11-04T08:00:00.000Z",
        }),
        DEFAULT_HUBSPOT_MAPPING,
      );
      const parsed = validate(row);
      return parsed.ok ? [] : parsed.problems.map((p) => `${p.column} ${p.problem}`);
    };
    expect(
      problemsOf({
        hs_v2_date_entered_marketingqualifiedlead: "2026-11-02T09:00:00.000Z",
        hs_lead_status: "UNQUALIFIED",
      }),
    ).toEqual([
      "rejection_reason is required when rejected_at is set (e.g. wrong company size, no budget)",
    ]);
    expect(problemsOf({ hs_lead_status: "NEW" })).toEqual([
      "mql_at is required: an ISO 8601 timestamp such as 2026-11-23T09:15:00Z",
    ]);
  });

  it("counts sources as the mapping says, and keeps an owner the owners API does not know by id", () => {
    const mapping = HubspotMappingSchema.parse({
      sourcedBy: { byValue: { REFERRALS: "partner", OFFLINE: "sales" } },
    });
    const of = (source: string, owner: string) =>
      mapContact(
        context({
          contact: object("1", { hs_analytics_source: source, hubspot_owner_id: owner }),
        }),
        mapping,
      );
    expect(of("REFERRALS", "999")).toMatchObject({ sourced_by: "partner", owner: "999", team: "" });
    expect(of("OFFLINE", "502")).toMatchObject({ sourced_by: "sales", owner: "502" });
    expect(of("DIRECT_TRAFFIC", "501")).toMatchObject({ sourced_by: "marketing" });
  });

  it("takes the earliest created deal as the lead's", () => {
    const later = object("2", { createdate: "2026-11-10T00:00:00Z" });
    const earlier = object("1", { createdate: "2026-11-01T00:00:00Z" });
    expect(firstDeal([later, earlier])?.id).toBe("1");
    expect(firstDeal([])).toBeUndefined();
  });

  it("validates a mapping: defaults for what is left out, a clear message for a bad name", () => {
    expect(HubspotMappingSchema.parse({})).toEqual(DEFAULT_HUBSPOT_MAPPING);
    expect(contactProperties(DEFAULT_HUBSPOT_MAPPING)).toContain("hs_lead_status");
    const bad = HubspotMappingSchema.safeParse({
      contact: { mql_at: "MQL date" },
      sourcedBy: { otherwise: "events" },
    });
    expect(
      bad.success ? [] : bad.error.issues.map((i) => `${i.path.join(".")} ${i.message}`),
    ).toEqual([
      "contact.mql_at must be a HubSpot property's internal name, such as hs_lead_status",
      'sourcedBy.otherwise Invalid option: expected one of "marketing"|"sales"|"partner"|"other"',
    ]);
  });
});

describe("retrying HubSpot calls", () => {
  const policy = { ...DEFAULT_HUBSPOT_RETRY, baseDelayMs: 500, maxWaitMs: 30_000 };
  it("waits what a 429 asks: Retry-After, else the rate-limit interval, capped", () => {
    expect(retryDelay({ code: 429, headers: { "retry-after": "2" } }, 1, policy)).toBe(2000);
    expect(
      retryDelay(
        { code: 429, headers: { "x-hubspot-ratelimit-interval-milliseconds": "10000" } },
        1,
        policy,
      ),
    ).toBe(10_000);
    expect(retryDelay({ code: 429, headers: { "retry-after": "3600" } }, 1, policy)).toBe(30_000);
  });

  it("backs off exponentially on 5xx and network errors, and never retries a 4xx", () => {
    expect([1, 2, 3].map((attempt) => retryDelay({ code: 503 }, attempt, policy))).toEqual([
      500, 1000, 2000,
    ]);
    expect(retryDelay({ code: 502 }, 20, policy)).toBe(30_000);
    expect(retryDelay(new Error("connect ECONNREFUSED"), 1, policy)).toBe(500);
    for (const code of [400, 401, 403, 404]) expect(retryDelay({ code }, 1, policy)).toBeNull();
  });
});
