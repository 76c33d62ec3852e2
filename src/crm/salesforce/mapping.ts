// How a Salesforce Lead (with its status history, converted Opportunity and owner) becomes a lead
// record's columns, exactly as a CSV export would write them; the record is then checked by the
// same rules as every CSV row (src/funnel/rules.ts). Pure: no HTTP, no database. The defaults fit
// a standard org; a workspace may override any part (validated here, stored with its connection).
// Field names end up in SOQL, so they are checked to be API names and nothing else.
import { z } from "zod";
import type { LeadColumn } from "../../funnel/rules.js";
import { SOURCED_BY } from "../../funnel/rules.js";

const field = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*$/,
    "must be a Salesforce field's API name, such as LeadSource or Rejection_Reason__c",
  );
const optionalField = field.nullable();
/** A field of the owner (a User), or of a record it looks up, such as UserRole.Name. */
const ownerPath = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/,
    "must be a User field's API name or a lookup's field, such as Department or UserRole.Name",
  )
  .nullable();
const statusValues = z.array(z.string().trim().min(1));

/**
 * A stage's date: the first time the status took one of `statuses` (from the Lead's field
 * history, when history is tracked), else the Lead's date field `field`.
 */
const stage = (statuses: string[], date: string | null) =>
  z
    .object({ statuses: statusValues.default(statuses), field: optionalField.default(date) })
    .prefault({});

export const SalesforceMappingSchema = z.object({
  status: z
    .object({
      field: field.default("Status"),
      /** Read the status's changes from LeadHistory (Setup > Object Manager > Lead > Fields & Relationships > Set History Tracking). */
      history: z.boolean().default(true),
    })
    .prefault({}),
  stages: z
    .object({
      mql_at: stage([], "CreatedDate"),
      first_touch_at: stage(["Working - Contacted"], null),
      accepted_at: stage([], "ConvertedDate"),
    })
    .prefault({}),
  /** A lead is rejected while its status is one of these; rejected_at is when it last took one. */
  rejection: z
    .object({
      statuses: statusValues.default(["Closed - Not Converted"]),
      /** Where rejected_at comes from when the status history has nothing. */
      field: optionalField.default(null),
      /** The reason's field; when empty, the status itself is the reason. */
      reason: optionalField.default(null),
    })
    .prefault({}),
  lead: z
    .object({
      source: optionalField.default("LeadSource"),
      influenced: optionalField.default(null),
      industry: optionalField.default("Industry"),
      company_size: optionalField.default("NumberOfEmployees"),
      country: optionalField.default("Country"),
    })
    .prefault({}),
  /** The owner's email is the lead's owner; `team` is read from the owning user. */
  owner: z.object({ team: ownerPath.default("UserRole.Name") }).prefault({}),
  /** sourced_by from the source field's value; values not listed count as `otherwise`. */
  sourcedBy: z
    .object({
      byValue: z
        .record(z.string(), z.enum(SOURCED_BY))
        .default({ "Partner Referral": "partner", "Phone Inquiry": "sales", Other: "other" }),
      otherwise: z.enum(SOURCED_BY).default("marketing"),
    })
    .prefault({}),
  /** The Opportunity the lead was converted into: opened when created, won or lost at its close date. */
  opportunity: z
    .object({
      amount: optionalField.default("Amount"),
      closeDate: field.default("CloseDate"),
      isWon: field.default("IsWon"),
      isClosed: field.default("IsClosed"),
    })
    .prefault({}),
});

export type SalesforceMapping = z.infer<typeof SalesforceMappingSchema>;

export const DEFAULT_SALESFORCE_MAPPING: SalesforceMapping = SalesforceMappingSchema.parse({});

/** A record as the REST API returns it: fields by API name; lookups as nested records. */
export type SalesforceRecord = { Id: string } & Record<string, unknown>;

export interface StatusChange {
  at: string;
  from: string;
  to: string;
}

export interface OwnerInfo {
  email: string | null;
  team: string | null;
}

export interface LeadContext {
  lead: SalesforceRecord;
  opportunity?: SalesforceRecord;
  owner?: OwnerInfo;
  /** The status's changes, oldest first; empty when history is off or it never changed. */
  history: StatusChange[];
}

const unique = (names: Array<string | null>): string[] => [
  ...new Set(names.filter((name): name is string => Boolean(name))),
];

/** The Lead fields the sync reads (the SELECT list). */
export function leadFields(mapping: SalesforceMapping): string[] {
  return unique([
    "Id",
    "CreatedDate",
    "SystemModstamp",
    "OwnerId",
    "IsConverted",
    "ConvertedDate",
    "ConvertedOpportunityId",
    mapping.status.field,
    ...Object.values(mapping.stages).map((s) => s.field),
    mapping.rejection.field,
    mapping.rejection.reason,
    ...Object.values(mapping.lead),
  ]);
}

export const opportunityFields = (mapping: SalesforceMapping): string[] =>
  unique(["Id", "CreatedDate", ...Object.values(mapping.opportunity)]);

export const userFields = (mapping: SalesforceMapping): string[] =>
  unique(["Id", "Email", mapping.owner.team]);

/** A field's value as a CSV export would write it: text, numbers as digits, true/false. */
export function textOf(record: Record<string, unknown> | undefined, path: string | null): string {
  if (!record || !path) return "";
  let value: unknown = record;
  for (const part of path.split(".")) {
    if (!value || typeof value !== "object") return "";
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return "";
}

/** The status's values over time, oldest first: its value at creation, then each change. */
function statusTimeline(context: LeadContext, mapping: SalesforceMapping): StatusChange[] {
  const first = context.history[0];
  const created = textOf(context.lead, "CreatedDate");
  const initial = first ? first.from : textOf(context.lead, mapping.status.field);
  return [{ at: created, from: "", to: initial }, ...context.history];
}

function stageDate(
  context: LeadContext,
  mapping: SalesforceMapping,
  { statuses, field }: { statuses: string[]; field: string | null },
): string {
  // Without a history, only the lead's fields tell when a stage was reached.
  if (statuses.length && context.history.length) {
    const entered = statusTimeline(context, mapping).find((change) => statuses.includes(change.to));
    if (entered) return entered.at;
  }
  return textOf(context.lead, field);
}

/** Whether the lead's status is, now, one of the rejection statuses. */
export function isRejected(lead: SalesforceRecord, mapping: SalesforceMapping): boolean {
  const status = textOf(lead, mapping.status.field);
  return Boolean(status && mapping.rejection.statuses.includes(status));
}

function rejectedAt(context: LeadContext, mapping: SalesforceMapping): string {
  const rejecting = context.history.length
    ? statusTimeline(context, mapping).filter((change) =>
        mapping.rejection.statuses.includes(change.to),
      )
    : [];
  return rejecting.at(-1)?.at ?? textOf(context.lead, mapping.rejection.field);
}

/** The lead record's columns, as text, the way a CSV export of this lead would read. */
export function mapLead(
  context: LeadContext,
  mapping: SalesforceMapping,
): Record<LeadColumn, string> {
  const { lead, opportunity } = context;
  const rejected = isRejected(lead, mapping);
  const source = textOf(lead, mapping.lead.source);
  const closed = textOf(opportunity, mapping.opportunity.isClosed) === "true";
  const won = textOf(opportunity, mapping.opportunity.isWon) === "true";
  const closeDate = textOf(opportunity, mapping.opportunity.closeDate);
  const ownerId = textOf(lead, "OwnerId");
  return {
    id: lead.Id,
    mql_at: stageDate(context, mapping, mapping.stages.mql_at),
    first_touch_at: stageDate(context, mapping, mapping.stages.first_touch_at),
    accepted_at: rejected ? "" : stageDate(context, mapping, mapping.stages.accepted_at),
    rejected_at: rejected ? rejectedAt(context, mapping) : "",
    rejection_reason: rejected
      ? textOf(lead, mapping.rejection.reason) || textOf(lead, mapping.status.field)
      : "",
    opportunity_at: opportunity ? textOf(opportunity, "CreatedDate") : "",
    closed_won_at: won ? closeDate : "",
    closed_lost_at: closed && !won ? closeDate : "",
    amount: textOf(opportunity, mapping.opportunity.amount),
    // A queue, or a user without an email, is kept by id.
    owner: context.owner?.email ?? ownerId,
    team: context.owner?.team ?? "",
    source,
    sourced_by: source ? (mapping.sourcedBy.byValue[source] ?? mapping.sourcedBy.otherwise) : "",
    influenced: textOf(lead, mapping.lead.influenced).toLowerCase() === "true" ? "true" : "",
    industry: textOf(lead, mapping.lead.industry),
    company_size: textOf(lead, mapping.lead.company_size),
    country: textOf(lead, mapping.lead.country),
  };
}

/** The Salesforce values a record was mapped from, by where they came from, for `cadence crm preview`. */
export function rawValues(
  context: LeadContext,
  mapping: SalesforceMapping,
): Record<string, string> {
  const values: Record<string, string> = {};
  const add = (prefix: string, record: Record<string, unknown> | undefined, names: string[]) => {
    for (const name of names) {
      const value = textOf(record, name);
      if (value) values[`${prefix}.${name}`] = value;
    }
  };
  add(
    "Lead",
    context.lead,
    leadFields(mapping).filter((name) => name !== "Id" && name !== "SystemModstamp"),
  );
  for (const change of context.history)
    values[`LeadHistory ${change.at}`] = `${mapping.status.field}: ${change.from} -> ${change.to}`;
  if (context.owner) {
    if (context.owner.email) values["Owner.Email"] = context.owner.email;
    if (context.owner.team && mapping.owner.team)
      values[`Owner.${mapping.owner.team}`] = context.owner.team;
  }
  if (context.opportunity)
    add(
      `Opportunity ${context.opportunity.Id}`,
      context.opportunity,
      opportunityFields(mapping).filter((name) => name !== "Id"),
    );
  return values;
}
