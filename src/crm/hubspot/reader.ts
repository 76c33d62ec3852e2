// Reads contacts modified since a time, oldest change first, each with what its lead record needs
// (owner, first company, first deal, when it was rejected). HubSpot's search pages through at most
// 10,000 results per query, so the query is windowed on lastmodifieddate: after every page the
// next query starts at the newest modification time seen, instead of paging on. Contacts at that
// exact time come back again and are dropped; only a run of more than a page of contacts modified
// in the same millisecond is paged with `after` (and that run alone must stay under 10,000).
import type { HubspotApi, HubspotObject, HubspotOwner } from "./api.js";
import {
  companyProperties,
  contactProperties,
  dealProperties,
  firstDeal,
  isRejected,
  rejectedAt,
  type ContactContext,
  type HubspotMapping,
} from "./mapping.js";

/** HubSpot's largest search page: half the searches and association reads per contact of 100. */
export const SEARCH_PAGE_SIZE = 200;
const SEARCH_RESULT_LIMIT = 10_000;

export interface ContactBatch {
  contacts: ContactContext[];
  /** The newest lastmodifieddate in the batch: once it is stored, a sync can resume from here. */
  modifiedUpTo: Date;
  /** HubSpot's count of contacts matching the current window (for progress). */
  total: number;
}

const modifiedAt = (contact: HubspotObject): number =>
  Date.parse(contact.properties.lastmodifieddate ?? "") || 0;

export async function* contactBatches(
  api: HubspotApi,
  mapping: HubspotMapping,
  since: Date,
  options: { pageSize?: number; limit?: number } = {},
): AsyncGenerator<ContactBatch> {
  const pageSize = options.pageSize ?? SEARCH_PAGE_SIZE;
  const owners = await api.owners();
  const properties = contactProperties(mapping);
  let windowStart = since.getTime();
  let after: string | null = null;
  /** Contacts already read whose lastmodifieddate is windowStart. */
  let seenAtStart = new Set<string>();
  let read = 0;
  for (;;) {
    const page = await api.searchContacts({
      modifiedSince: new Date(windowStart),
      properties,
      limit: pageSize,
      after,
    });
    const fresh = page.results.filter(
      (contact) => !(modifiedAt(contact) === windowStart && seenAtStart.has(contact.id)),
    );
    const newest = Math.max(windowStart, ...page.results.map(modifiedAt));
    const wanted = options.limit === undefined ? fresh : fresh.slice(0, options.limit - read);
    if (wanted.length) {
      read += wanted.length;
      yield {
        contacts: await withContext(api, mapping, wanted, owners),
        modifiedUpTo: new Date(Math.max(...wanted.map(modifiedAt))),
        total: page.total,
      };
    }
    if (!page.after || (options.limit !== undefined && read >= options.limit)) return;
    if (newest > windowStart) {
      windowStart = newest;
      after = null;
      seenAtStart = new Set(
        page.results.filter((contact) => modifiedAt(contact) === newest).map((c) => c.id),
      );
    } else {
      for (const contact of page.results) seenAtStart.add(contact.id);
      if (Number(page.after) + pageSize > SEARCH_RESULT_LIMIT)
        throw new Error(
          `More than ${SEARCH_RESULT_LIMIT} HubSpot contacts were modified at ${new Date(windowStart).toISOString()}; HubSpot's search cannot page through them.`,
        );
      after = page.after;
    }
  }
}

async function withContext(
  api: HubspotApi,
  mapping: HubspotMapping,
  contacts: HubspotObject[],
  owners: Map<string, HubspotOwner>,
): Promise<ContactContext[]> {
  const ids = contacts.map((contact) => contact.id);
  const companiesOf = await api.associated(ids, "companies");
  const dealsOf = await api.associated(ids, "deals");
  const companyIds = [...new Set([...companiesOf.values()].map((list) => list[0]!))];
  const dealIds = [...new Set([...dealsOf.values()].flat())];
  const rejected = contacts.filter((contact) => isRejected(contact, mapping)).map((c) => c.id);
  const [companies, deals, histories] = await Promise.all([
    companyIds.length ? api.readCompanies(companyIds, companyProperties(mapping)) : [],
    dealIds.length ? api.readDeals(dealIds, dealProperties(mapping)) : [],
    rejected.length
      ? api.readContacts(rejected, [mapping.rejection.status], [mapping.rejection.status])
      : [],
  ]);
  const byId = (objects: HubspotObject[]) => new Map(objects.map((o) => [o.id, o]));
  const companyById = byId(companies);
  const dealById = byId(deals);
  const historyById = byId(histories);
  return contacts.map((contact) => {
    const companyId = companiesOf.get(contact.id)?.[0];
    const contactDeals = (dealsOf.get(contact.id) ?? [])
      .map((id) => dealById.get(id))
      .filter((deal): deal is HubspotObject => deal !== undefined);
    const withHistory = historyById.get(contact.id);
    return {
      contact,
      company: companyId ? companyById.get(companyId) : undefined,
      deal: firstDeal(contactDeals),
      owners,
      rejectedAt: withHistory ? rejectedAt(withHistory, mapping) : null,
    };
  });
}
