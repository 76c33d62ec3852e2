import { describe, expect, it } from "vitest";
import { loadCrmConfig } from "../../src/config.js";
import type { HubspotApi } from "../../src/crm/hubspot/api.js";
import { dailyAllowanceShort } from "../../src/crm/service.js";

const api = (daily: { limit: number; remaining: number } | null) =>
  ({ dailyAllowance: () => daily }) as Pick<HubspotApi, "dailyAllowance"> as HubspotApi;

describe("HubSpot's daily allowance floor", () => {
  it("defaults to a tenth of the daily limit, and an empty HUBSPOT_DAILY_FLOOR means the default", () => {
    expect(loadCrmConfig({ HUBSPOT_DAILY_FLOOR: "" }).hubspotDailyFloor).toBeUndefined();
    expect(loadCrmConfig({ HUBSPOT_DAILY_FLOOR: "5000" }).hubspotDailyFloor).toBe(5000);
    expect(dailyAllowanceShort(api({ limit: 250_000, remaining: 25_000 }), undefined)).toBeNull();
    expect(dailyAllowanceShort(api({ limit: 250_000, remaining: 24_999 }), undefined)).toMatch(
      /24,999 of 250,000 calls left, under the floor of 25,000/,
    );
  });

  it("uses the configured floor, and lets the sync run before any answer carried the header", () => {
    expect(dailyAllowanceShort(api({ limit: 250_000, remaining: 6_000 }), 5_000)).toBeNull();
    expect(dailyAllowanceShort(api({ limit: 250_000, remaining: 4_000 }), 5_000)).toMatch(
      /under the floor of 5,000/,
    );
    expect(dailyAllowanceShort(api(null), 5_000)).toBeNull();
  });
});
