// How a HubSpot contact (with its owner, associated company and deal) becomes a lead record's
// columns, exactly as a CSV export would write them; the record is then checked by the same rules
// as every CSV row (src/funnel/rules.ts). Pure: no HTTP, no database. The defaults fit a standard
// portal; a workspace may override any part (validated here, stored with its CRM connection).
import { z } from "zod";
import type { LeadColumn } from "../../funnel/rules.js";
import { SOURCED_BY } from "../../funnel/rules.js";
import type { HubspotObject, HubspotOwner } from "./api.js";

const property = z
  .string()
  .trim()
  .regex(/^[a-z0-9_]+$/, "must be a HubSpot property's internal name, such as hs_lead_status");
const optionalProperty = property.nullable();

export const HubspotMappingSchema = z.object({
  contact: z
    .object({
      mql_at: property.default("hs_v2_date_entered_marketingqualifiedlead"),
      first_touch_at: optionalProperty.default("hs_sa_first_engagement_date"),
      accepted_at: optionalProperty.default("hs_v2_date_entered_salesqualifiedlead"),
      opportunity_at: optionalProperty.default("hs_v2_date_entered_opportunity"),
      owner: optionalProperty.default("hubspot_owner_id"),
      source: optionalProperty.default("hs_analytics_source"),
      influenced: optionalProperty.default(null),
    })
    .prefault({}),
  /** A lead is rejected when its status is one of these; rejected_at is when it took that value. */
  rejection: z
    .object({
      status: property.default("hs_lead_status"),
      rejectedValues: z.array(z.string().min(1)).default(["UNQUALIFIED"]),
      reason: optionalProperty.default("rejection_reason"),
    })
    .prefault({}),
  /** sourced_by from the source property's value; values not listed count as `otherwise`. */
  sourcedBy: z
    .object({
      byValue: z.record(z.string(), z.enum(SOURCED_BY)).default({ OFFLINE: "sales" }),
      otherwise: z.enum(SOURCED_BY).default("marketing"),
    })
    .prefault({}),
  company: z
    .object({
      industry: optionalProperty.default("industry"),
      company_size: optionalProperty.default("numberofemployees"),
      country: optionalProperty.default("country"),
    })
    .prefault({}),
  /** The contact's first deal (the earliest created): its amount, and won or lost at its close date. */
  deal: z
    .object({
      amount: optionalProperty.default("amount"),
      closeDate: property.default("closedate"),
      isWon: property.default("hs_is_closed_won"),
      isClosed: property.default("hs_is_closed"),
    })
    .prefault({}),
});

export type HubspotMapping = z.infer<typeof HubspotMappingSchema>;

export const DEFAULT_HUBSPOT_MAPPING: HubspotMapping = HubspotMappingSchema.parse({});

const present = (names: Array<string | null>): string[] => [
  ...new Set(names.filter((name): name is string => Boolean(name))),
];

/** The contact properties to ask the search for. */
export function contactProperties(mapping: HubspotMapping): string[] {
  return present([
    ...Object.values(mapping.contact),
    mapping.rejection.status,
    mapping.rejection.reason,
    "lastmodifieddate",
    MERGED_IDS,
  ]);
}

/** On a contact that others were merged into: their ids, separated by semicolons. */
const MERGED_IDS = "hs_merged_object_ids";

/** The ids of the contacts merged into this one: their leads are now this one's. */
export function mergedIds(contact: HubspotObject): string[] {
  return (contact.properties[MERGED_IDS] ?? "")
    .split(";")
    .map((id) => id.trim())
    .filter((id) => id && id !== contact.id);
}

export const companyProperties = (mapping: HubspotMapping): string[] =>
  present(Object.values(mapping.company));

export const dealProperties = (mapping: HubspotMapping): string[] =>
  present([...Object.values(mapping.deal), "createdate"]);

/** Whether this contact's status is a rejection: then its status history is read for rejected_at. */
export function isRejected(contact: HubspotObject, mapping: HubspotMapping): boolean {
  const status = contact.properties[mapping.rejection.status];
  return Boolean(status && mapping.rejection.rejectedValues.includes(status));
}

/** When the status took its current (rejected) value: the newest entry of its history. */
export function rejectedAt(contact: HubspotObject, mapping: HubspotMapping): string | null {
  const latest = contact.history?.[mapping.rejection.status]?.[0];
  return latest ? latest.timestamp.toISOString() : null;
}

/** The deal a lead turned into: the earliest created of its deals. */
export function firstDeal(deals: HubspotObject[]): HubspotObject | undefined {
  return [...deals].sort((a, b) =>
    (a.properties.createdate ?? "").localeCompare(b.properties.createdate ?? ""),
  )[0];
}

export interface ContactContext {
  contact: HubspotObject;
  company?: HubspotObject;
  deal?: HubspotObject;
  owners: Map<string, HubspotOwner>;
  /** When the contact took its rejected status (from its property history), if it is rejected. */
  rejectedAt: string | null;
}

/** The lead record's columns, as text, the way a CSV export of this contact would read. */
export function mapContact(
  { contact, company, deal, owners, rejectedAt }: ContactContext,
  mapping: HubspotMapping,
): Record<LeadColumn, string> {
  const of = (object: HubspotObject | undefined, name: string | null): string =>
    (name && object?.properties[name]?.trim()) || "";
  const ownerId = of(contact, mapping.contact.owner);
  const owner = ownerId ? owners.get(ownerId) : undefined;
  const source = of(contact, mapping.contact.source);
  const rejected = isRejected(contact, mapping);
  const closed = of(deal, mapping.deal.isClosed) === "true";
  const won = of(deal, mapping.deal.isWon) === "true";
  const closeDate = of(deal, mapping.deal.closeDate);
  return {
    id: contact.id,
    mql_at: of(contact, mapping.contact.mql_at),
    first_touch_at: of(contact, mapping.contact.first_touch_at),
    accepted_at: of(contact, mapping.contact.accepted_at),
    rejected_at: rejected ? (rejectedAt ?? "") : "",
    rejection_reason: rejected ? of(contact, mapping.rejection.reason) : "",
    opportunity_at: of(contact, mapping.contact.opportunity_at),
    closed_won_at: won ? closeDate : "",
    closed_lost_at: closed && !won ? closeDate : "",
    amount: of(deal, mapping.deal.amount),
    // An owner the owners API does not list (deactivated, or no email) is kept by id.
    owner: owner?.email ?? ownerId,
    team: owner?.team ?? "",
    source,
    sourced_by: source ? (mapping.sourcedBy.byValue[source] ?? mapping.sourcedBy.otherwise) : "",
    influenced: of(contact, mapping.contact.influenced).toLowerCase() === "true" ? "true" : "",
    industry: of(company, mapping.company.industry),
    company_size: of(company, mapping.company.company_size),
    country: of(company, mapping.company.country),
  };
}

/** The HubSpot values a record was mapped from, by where they came from, for `cadence crm preview`. */
export function rawValues(
  context: ContactContext,
  mapping: HubspotMapping,
): Record<string, string> {
  const values: Record<string, string> = {};
  const add = (prefix: string, object: HubspotObject | undefined, names: string[]) => {
    for (const name of names) {
      const value = object?.properties[name];
      if (value) values[`${prefix}.${name}`] = value;
    }
  };
  add(
    "contact",
    context.contact,
    contactProperties(mapping).filter((n) => n !== "lastmodifieddate"),
  );
  if (context.rejectedAt)
    values[`contact.${mapping.rejection.status} (set at)`] = context.rejectedAt;
  add(`company ${context.company?.id ?? ""}`.trim(), context.company, companyProperties(mapping));
  add(`deal ${context.deal?.id ?? ""}`.trim(), context.deal, dealProperties(mapping));
  return values;
}
