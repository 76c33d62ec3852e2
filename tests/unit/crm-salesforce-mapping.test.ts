import { describe, expect, it } from "vitest";
import { loadCrmConfig } from "../../src/config.js";
import {
  DEFAULT_SALESFORCE_MAPPING,
  leadFields,
  mapLead,
  SalesforceMappingSchema,
  type LeadContext,
} from "../../src/crm/salesforce/mapping.js";
import { soqlDateTime } from "../../src/crm/salesforce/reader.js";
import { salesforceAllowanceShort, salesforceLoginUrlProblem } from "../../src/crm/service.js";
import { leadInputSchema, parseLead } from "../../src/funnel/rules.js";
import { parseSoql } from "../fakes/fake-salesforce.js";

const lead = (fields: Record<string, unknown>): LeadContext["lead"] => ({
  Id: "00Q000000000001AAA",
  CreatedDate: "2026-11-02T09:00:00.000+0000",
  SystemModstamp: "2026-11-10T09:00:00.000+0000",
  OwnerId: "005000000000001AAA",
  Status: "Open - Not Contacted",
  ...fields,
});

describe("a Salesforce lead as a lead record", () => {
  it("dates the stages from the status history, the first time the status took each", () => {
    const row = mapLead(
      {
        lead: lead({ Status: "Working - Contacted" }),
        history: [
          {
            at: "2026-11-03T10:00:00.000+0000",
            from: "Open - Not Contacted",
            to: "Working - Contacted",
          },
          {
            at: "2026-11-04T10:00:00.000+0000",
            from: "Working - Contacted",
            to: "Open - Not Contacted",
          },
          {
            at: "2026-11-05T10:00:00.000+0000",
            from: "Open - Not Contacted",
            to: "Working - Contacted",
          },
        ],
      },
      DEFAULT_SALESFORCE_MAPPING,
    );
    expect(row).toMatchObject({
      mql_at: "2026-11-02T09:00:00.000+0000",
      first_touch_at: "2026-11-03T10:00:00.000+0000",
      rejected_at: "",
    });
  });

  it("without history, takes the configured date fields; a stage with none stays empty", () => {
    const row = mapLead(
      { lead: lead({ Status: "Working - Contacted", ConvertedDate: "2026-11-06" }), history: [] },
      DEFAULT_SALESFORCE_MAPPING,
    );
    expect(row).toMatchObject({ first_touch_at: "", accepted_at: "2026-11-06" });
  });

  it("rejects by status: when it last took a rejection status, the reason field or else the status", () => {
    const context: LeadContext = {
      lead: lead({ Status: "Closed - Not Converted", ConvertedDate: null }),
      history: [
        {
          at: "2026-11-03T10:00:00.000+0000",
          from: "Open - Not Contacted",
          to: "Closed - Not Converted",
        },
        {
          at: "2026-11-04T10:00:00.000+0000",
          from: "Closed - Not Converted",
          to: "Working - Contacted",
        },
        {
          at: "2026-11-07T10:00:00.000+0000",
          from: "Working - Contacted",
          to: "Closed - Not Converted",
        },
      ],
    };
    expect(mapLead(context, DEFAULT_SALESFORCE_MAPPING)).toMatchObject({
      rejected_at: "2026-11-07T10:00:00.000+0000",
      rejection_reason: "Closed - Not Converted",
      accepted_at: "",
    });
    const withReason = SalesforceMappingSchema.parse({ rejection: { reason: "Reason__c" } });
    context.lead.Reason__c = "no budget";
    expect(mapLead(context, withReason).rejection_reason).toBe("no budget");
  });

  it("reads won or lost from the converted opportunity, and the amount as a CSV would write it", () => {
    const base = { lead: lead({}), history: [] };
    const opportunity = (won: boolean, closed: boolean) => ({
      Id: "006000000000001AAA",
      CreatedDate: "2026-11-05T10:00:00.000+0000",
      CloseDate: "2026-11-20",
      IsWon: won,
      IsClosed: closed,
      Amount: 12500.5,
    });
    expect(
      mapLead({ ...base, opportunity: opportunity(true, true) }, DEFAULT_SALESFORCE_MAPPING),
    ).toMatchObject({
      opportunity_at: "2026-11-05T10:00:00.000+0000",
      closed_won_at: "2026-11-20",
      closed_lost_at: "",
      amount: "12500.5",
    });
    expect(
      mapLead({ ...base, opportunity: opportunity(false, true) }, DEFAULT_SALESFORCE_MAPPING),
    ).toMatchObject({
      closed_won_at: "",
      closed_lost_at: "2026-11-20",
    });
    // Reopened: neither.
    expect(
      mapLead({ ...base, opportunity: opportunity(false, false) }, DEFAULT_SALESFORCE_MAPPING),
    ).toMatchObject({
      closed_won_at: "",
      closed_lost_at: "",
    });
  });

  it("maps owner, team, source and company fields, and the row passes the CSV rules", () => {
    const row = mapLead(
      {
        lead: lead({
          LeadSource: "Partner Referral",
          Industry: "Retail",
          NumberOfEmployees: 40,
          Country: "Chile",
        }),
        owner: { email: "ana@acme.test", team: "EMEA" },
        history: [],
      },
      DEFAULT_SALESFORCE_MAPPING,
    );
    expect(row).toMatchObject({
      owner: "ana@acme.test",
      team: "EMEA",
      source: "Partner Referral",
      sourced_by: "partner",
      industry: "Retail",
      company_size: "40",
      country: "Chile",
    });
    const parsed = parseLead(leadInputSchema("UTC"), row, 1);
    expect(parsed.ok && parsed.record.mqlAt).toEqual(new Date("2026-11-02T09:00:00Z"));
  });

  it("accepts only API names as fields, so nothing else reaches a query", () => {
    const bad = SalesforceMappingSchema.safeParse({
      lead: { source: "LeadSource FROM User" },
      owner: { team: "UserRole.Name.Id" },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "lead.source",
      "owner.team",
    ]);
    expect(leadFields(DEFAULT_SALESFORCE_MAPPING)).toContain("ConvertedOpportunityId");
  });
});

describe("Salesforce's allowance floor, login URL and SOQL literals", () => {
  it("stops under a tenth of the allowance by default, or under SALESFORCE_DAILY_FLOOR", () => {
    expect(loadCrmConfig({ SALESFORCE_DAILY_FLOOR: "" }).salesforceDailyFloor).toBeUndefined();
    expect(loadCrmConfig({ SALESFORCE_DAILY_FLOOR: "2000" }).salesforceDailyFloor).toBe(2000);
    expect(salesforceAllowanceShort({ used: 90_000, limit: 100_000 }, undefined)).toBeNull();
    expect(salesforceAllowanceShort({ used: 90_001, limit: 100_000 }, undefined)).toMatch(
      /9,999 of 100,000 requests left, under the floor of 10,000/,
    );
    expect(salesforceAllowanceShort({ used: 97_000, limit: 100_000 }, 2_000)).toBeNull();
    expect(salesforceAllowanceShort(null, 2_000)).toBeNull();
  });

  it("takes an https login URL alone, and says what to fix otherwise", () => {
    expect(salesforceLoginUrlProblem("https://acme.my.salesforce.com")).toBeNull();
    expect(salesforceLoginUrlProblem("http://acme.my.salesforce.com")).toMatch(/https:\/\//);
    expect(salesforceLoginUrlProblem("https://acme.my.salesforce.com/lightning")).toMatch(
      /without a path/,
    );
    expect(salesforceLoginUrlProblem("acme")).toMatch(/is not a URL/);
  });

  it("writes dateTime literals to the second, never later than asked", () => {
    expect(soqlDateTime(new Date("2026-11-30T12:34:56.789Z"))).toBe("2026-11-30T12:34:56Z");
  });

  it("the fake org refuses SOQL it does not know, so a drifting query fails the tests", () => {
    expect(() => parseSoql("SELECT Id FROM Lead WHERE SystemModstamp > '2026-11-30'")).toThrow(
      /must be of type datetime/,
    );
    expect(() => parseSoql("SELECT Id FROM Lead WHERE Status LIKE 'Open%'")).toThrow(/unexpected/);
    expect(() => parseSoql("SELECT Id FROM Contact")).toThrow(/not supported/);
    expect(() => parseSoql("SELECT Nope FROM Lead")).toThrow(/No such column 'Nope'/);
    expect(() => parseSoql("SELECT Id FROM Lead GROUP BY Id")).toThrow(/unexpected/);
    expect(
      parseSoql("SELECT Id, UserRole.Name FROM User WHERE Id IN ('005000000000001AAA')"),
    ).toMatchObject({
      object: "User",
      where: [{ field: "Id", op: "IN", values: ["005000000000001AAA"] }],
    });
  });
});
