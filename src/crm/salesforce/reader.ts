// Reads Leads changed since a time, oldest change first (by SystemModstamp, which every change to
// the record moves, system ones included), a query page at a time, each with what its lead record
// needs: its status history (LeadHistory), its owner (User) and its converted Opportunity. A
// change to an Opportunity does not touch its Lead, so the Leads converted into Opportunities
// changed since then are read as well; and deleted or merged Leads, which no plain query returns,
// are found with queryAll (IsDeleted = true; a merged one names its survivor in MasterRecordId).
import type { SalesforceApi } from "./api.js";
import {
  leadFields,
  opportunityFields,
  textOf,
  userFields,
  type LeadContext,
  type OwnerInfo,
  type SalesforceMapping,
  type SalesforceRecord,
  type StatusChange,
} from "./mapping.js";

/** Ids per `IN (…)` list: keeps each query's URL well under Salesforce's 16,384-byte limit. */
export const IDS_PER_QUERY = 200;

export interface LeadBatch {
  leads: LeadContext[];
  /** The newest SystemModstamp in the batch: once it is stored, a sync can resume from here. */
  modifiedUpTo: Date;
  /** Salesforce's count of Leads matching the query (for progress). */
  total: number;
}

export interface RemovedLead {
  id: string;
  /** The Lead it was merged into, if it was merged rather than deleted. */
  mergedInto: string | null;
}

/** A SOQL dateTime literal, to the second (SOQL takes no fractions); earlier, never later. */
export const soqlDateTime = (at: Date): string =>
  `${new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;

const SALESFORCE_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** Quoted ids for an IN list; anything that is not an id never reaches the query. */
const idList = (ids: string[]): string =>
  ids
    .filter((id) => SALESFORCE_ID.test(id))
    .map((id) => `'${id}'`)
    .join(", ");

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    out.push(items.slice(start, start + size));
  return out;
}

const modifiedAt = (record: SalesforceRecord): number =>
  Date.parse(textOf(record, "SystemModstamp")) || 0;

/** Leads changed since `since`, a query page per batch. */
export async function* leadBatches(
  api: SalesforceApi,
  mapping: SalesforceMapping,
  since: Date,
): AsyncGenerator<LeadBatch> {
  let page = await api.query(
    `SELECT ${leadFields(mapping).join(", ")} FROM Lead WHERE SystemModstamp >= ${soqlDateTime(since)} ORDER BY SystemModstamp ASC, Id ASC`,
  );
  for (;;) {
    if (page.records.length)
      yield {
        leads: await withContext(api, mapping, page.records),
        modifiedUpTo: new Date(Math.max(...page.records.map(modifiedAt))),
        total: page.totalSize,
      };
    if (!page.nextRecordsUrl) return;
    page = await api.queryMore(page.nextRecordsUrl);
  }
}

/** The most recently changed Leads, for a preview. */
export async function recentLeads(
  api: SalesforceApi,
  mapping: SalesforceMapping,
  limit: number,
): Promise<LeadContext[]> {
  const leads = await api.queryEverything(
    `SELECT ${leadFields(mapping).join(", ")} FROM Lead ORDER BY SystemModstamp DESC LIMIT ${Math.floor(limit)}`,
  );
  return withContext(api, mapping, leads);
}

/** Leads converted into Opportunities changed since `since`: their won, lost or amount moved. */
export async function* leadsOfChangedOpportunities(
  api: SalesforceApi,
  mapping: SalesforceMapping,
  since: Date,
): AsyncGenerator<LeadContext[]> {
  const opportunities = await api.queryEverything(
    `SELECT Id FROM Opportunity WHERE SystemModstamp >= ${soqlDateTime(since)}`,
  );
  for (const ids of chunks(
    opportunities.map((o) => o.Id),
    IDS_PER_QUERY,
  )) {
    const leads = await api.queryEverything(
      `SELECT ${leadFields(mapping).join(", ")} FROM Lead WHERE ConvertedOpportunityId IN (${idList(ids)})`,
    );
    if (leads.length) yield await withContext(api, mapping, leads);
  }
}

export interface RemovedLeads {
  leads: RemovedLead[];
  /** The newest SystemModstamp among them (a deletion moves it), or null when there are none. */
  modifiedUpTo: Date | null;
}

/** Leads deleted, or merged into another, since `since` (while still in the recycle bin). */
export async function removedLeads(api: SalesforceApi, since: Date): Promise<RemovedLeads> {
  const records = await api.queryEverything(
    `SELECT Id, MasterRecordId, SystemModstamp FROM Lead WHERE IsDeleted = true AND SystemModstamp >= ${soqlDateTime(since)}`,
    { all: true },
  );
  return {
    leads: records.map((record) => ({
      id: record.Id,
      mergedInto: textOf(record, "MasterRecordId") || null,
    })),
    modifiedUpTo: records.length ? new Date(Math.max(...records.map(modifiedAt))) : null,
  };
}

async function withContext(
  api: SalesforceApi,
  mapping: SalesforceMapping,
  leads: SalesforceRecord[],
): Promise<LeadContext[]> {
  const histories = mapping.status.history
    ? await statusHistories(
        api,
        mapping,
        leads.map((lead) => lead.Id),
      )
    : new Map<string, StatusChange[]>();
  const ownerIds = [...new Set(leads.map((lead) => textOf(lead, "OwnerId")))].filter((id) =>
    // A queue (00G…) owns leads too; it has no email or team.
    id.startsWith("005"),
  );
  const owners = new Map<string, OwnerInfo>();
  for (const ids of chunks(ownerIds, IDS_PER_QUERY))
    for (const user of await api.queryEverything(
      `SELECT ${userFields(mapping).join(", ")} FROM User WHERE Id IN (${idList(ids)})`,
    ))
      owners.set(user.Id, {
        email: textOf(user, "Email") || null,
        team: textOf(user, mapping.owner.team) || null,
      });
  const opportunityIds = [
    ...new Set(leads.map((lead) => textOf(lead, "ConvertedOpportunityId")).filter(Boolean)),
  ];
  const opportunities = new Map<string, SalesforceRecord>();
  for (const ids of chunks(opportunityIds, IDS_PER_QUERY))
    for (const opportunity of await api.queryEverything(
      `SELECT ${opportunityFields(mapping).join(", ")} FROM Opportunity WHERE Id IN (${idList(ids)})`,
    ))
      opportunities.set(opportunity.Id, opportunity);
  return leads.map((lead) => ({
    lead,
    owner: owners.get(textOf(lead, "OwnerId")),
    opportunity: opportunities.get(textOf(lead, "ConvertedOpportunityId")),
    history: histories.get(lead.Id) ?? [],
  }));
}

async function statusHistories(
  api: SalesforceApi,
  mapping: SalesforceMapping,
  leadIds: string[],
): Promise<Map<string, StatusChange[]>> {
  const found = new Map<string, StatusChange[]>();
  for (const ids of chunks(leadIds, IDS_PER_QUERY))
    for (const row of await api.queryEverything(
      `SELECT LeadId, OldValue, NewValue, CreatedDate FROM LeadHistory WHERE Field = '${mapping.status.field}' AND LeadId IN (${idList(ids)}) ORDER BY CreatedDate ASC, Id ASC`,
    )) {
      const leadId = textOf(row, "LeadId");
      const changes = found.get(leadId) ?? [];
      changes.push({
        at: textOf(row, "CreatedDate"),
        from: textOf(row, "OldValue"),
        to: textOf(row, "NewValue"),
      });
      found.set(leadId, changes);
    }
  return found;
}
