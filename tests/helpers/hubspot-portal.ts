// A small HubSpot portal for the connector tests.
import type { FakeHubspot } from "../fakes/fake-hubspot.js";

/** Fills a fake portal: two owners, a company, three contacts (one won, one rejected). */
export function seedPortal(hubspot: FakeHubspot): void {
  hubspot.owners.push(
    {
      id: "501",
      email: "ana@acme.test",
      teams: [{ id: "9", name: "Enterprise", primary: true }],
    },
    { id: "502", email: "ben@acme.test" },
  );
  const company = hubspot.put("companies", {
    name: "Initech",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "250",
    country: "Germany",
  });
  const deal = hubspot.put("deals", {
    dealname: "Initech expansion",
    amount: "12500.50",
    closedate: "2026-11-20T15:00:00.000Z",
    hs_is_closed: "true",
    hs_is_closed_won: "true",
  });
  const won = hubspot.put(
    "contacts",
    {
      email: "pat@initech.test",
      hs_v2_date_entered_marketingqualifiedlead: "2026-11-02T09:00:00.000Z",
      hs_sa_first_engagement_date: "2026-11-02T09:20:00.000Z",
      hs_v2_date_entered_salesqualifiedlead: "2026-11-03T10:00:00.000Z",
      hs_v2_date_entered_opportunity: "2026-11-05T10:00:00.000Z",
      hubspot_owner_id: "501",
      hs_analytics_source: "ORGANIC_SEARCH",
      hs_lead_status: "OPEN_DEAL",
    },
    "101",
  );
  hubspot.associate(won, "companies", [company]);
  hubspot.associate(won, "deals", [deal]);
  hubspot.put(
    "contacts",
    {
      email: "sam@globex.test",
      hs_v2_date_entered_marketingqualifiedlead: "2026-11-04T09:00:00.000Z",
      hubspot_owner_id: "502",
      hs_analytics_source: "OFFLINE",
      hs_lead_status: "NEW",
    },
    "102",
  );
  hubspot.put(
    "contacts",
    {
      email: "kim@hooli.test",
      hs_v2_date_entered_marketingqualifiedlead: "2026-11-06T09:00:00.000Z",
      hs_analytics_source: "PAID_SEARCH",
      hs_lead_status: "UNQUALIFIED",
      rejection_reason: "no budget",
    },
    "103",
  );
}
