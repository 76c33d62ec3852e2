// A fake HubSpot on 127.0.0.1 speaking the documented CRM v3/v4 wire shapes, for the real
// @hubspot/api-client to call: contacts list and search (filterGroups, sorts, properties, limit,
// `after` paging, and the 10,000-result limit: paging past it is a 400), batch read of contacts
// (with propertiesWithHistory), companies and deals, v4 association batch reads (207 with errors
// for objects without associations), and owners. Bearer-token auth (401 otherwise), a mode that
// answers 429 with Retry-After and the X-HubSpot-RateLimit-* headers, and a mode that answers 5xx.
// With `limits` set it enforces HubSpot's documented limits as HubSpot does: a burst limit per
// rolling 10 seconds, a daily limit, and the search endpoints' limit per second, answering 429
// with HubSpot's error body (policyName TEN_SECONDLY_ROLLING, SECONDLY or DAILY) and its headers.
// It records every request (`recordRequests = false` keeps a long bench from filling memory).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  /** Each property's past values, newest first, as propertiesWithHistory returns them. */
  history: Record<string, Array<{ value: string; timestamp: string }>>;
}

export interface FakeOwner {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  teams?: Array<{ id: string; name: string; primary: boolean }>;
}

export interface RecordedHubspotRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

type ObjectType = "contacts" | "companies" | "deals";

/** HubSpot's documented cap: a search query pages through at most 10,000 results. */
export const SEARCH_RESULT_LIMIT = 10_000;

/** The limits HubSpot enforces on a private app's calls (its API usage guidelines). */
export interface HubspotRateLimits {
  /** Requests per rolling 10 seconds (X-HubSpot-RateLimit-Max). */
  burstPer10Seconds: number;
  /** Requests per day for the account (X-HubSpot-RateLimit-Daily). */
  daily: number;
  /** Requests per second to the CRM search endpoints, per account. */
  searchPerSecond: number;
}

/** Private apps' limits by subscription tier, as HubSpot documents them. */
export const HUBSPOT_TIER_LIMITS = {
  starter: { burstPer10Seconds: 100, daily: 250_000, searchPerSecond: 5 },
  professional: { burstPer10Seconds: 190, daily: 625_000, searchPerSecond: 5 },
  enterprise: { burstPer10Seconds: 190, daily: 1_000_000, searchPerSecond: 5 },
} as const satisfies Record<string, HubspotRateLimits>;

const BURST_WINDOW_MS = 10_000;

export class FakeHubspot {
  /** What X-HubSpot-RateLimit-Daily-Remaining says (of a daily limit of 250,000). */
  dailyRemaining = 249_000;
  readonly requests: RecordedHubspotRequest[] = [];
  readonly objects: Record<ObjectType, Map<string, FakeObject>> = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
  };
  /** contact id -> associated company ids / deal ids. */
  readonly associations: Record<"companies" | "deals", Map<string, string[]>> = {
    companies: new Map(),
    deals: new Map(),
  };
  readonly owners: FakeOwner[] = [];
  /** Deleted ("archived") contacts, by id: listed with `archived=true`, found by no search. */
  readonly archivedContacts = new Map<string, FakeObject & { archivedAt: string }>();
  /** The next this-many requests get a 429 (ten-secondly limit) with these headers. */
  rateLimited = { next: 0, retryAfterSeconds: 1 };
  /** Scopes the private app was not given: reads needing them answer 403. */
  readonly missingScopes = new Set<string>();
  /** Enforced when set; `throttled` counts the 429s they caused. */
  limits: HubspotRateLimits | null = null;
  throttled = 0;
  recordRequests = true;
  private burst: number[] = [];
  private searches: number[] = [];
  private dailyUsed = 0;
  /** Objects sorted for a search, with their sort values, until the next change. */
  private sorted = new Map<string, Array<{ object: FakeObject; value: number | string | null }>>();
  /** The next this-many requests get this 5xx status (and message, if given). */
  failing: { next: number; status: number; message?: string } = { next: 0, status: 502 };
  private server: Server | undefined;
  private port: number | undefined;
  private nextId = 1001;
  /** Updates get distinct, increasing lastmodifieddate values, as HubSpot's do. */
  private lastModified = Date.parse("2026-11-01T00:00:00Z");

  constructor(readonly accessToken = "pat-na1-00000000-fake-4bad-8bad-hubspottoken") {}

  get baseUrl(): string {
    if (this.port === undefined) throw new Error("FakeHubspot was never started");
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        send(response, 500, { status: "error", message: String(error) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Creates or updates an object; lastmodifieddate moves forward unless given. */
  put(
    type: ObjectType,
    properties: Record<string, string | null>,
    id: string = String(this.nextId++),
  ): string {
    const existing = this.objects[type].get(id);
    this.sorted.clear();
    this.lastModified += 60_000;
    const modified = new Date(this.lastModified).toISOString();
    const object: FakeObject = existing ?? {
      id,
      properties: { createdate: modified, hs_object_id: id },
      createdAt: modified,
      updatedAt: modified,
      history: {},
    };
    for (const [name, value] of Object.entries(properties)) {
      if (value !== null && object.properties[name] !== value)
        (object.history[name] ??= []).unshift({ value, timestamp: modified });
      object.properties[name] = value;
    }
    object.properties.lastmodifieddate = properties.lastmodifieddate ?? modified;
    object.properties.hs_lastmodifieddate = object.properties.lastmodifieddate;
    object.updatedAt = object.properties.lastmodifieddate;
    this.objects[type].set(id, object);
    return id;
  }

  /** Deletes a contact as HubSpot does: it moves to the archived list. */
  archive(id: string): void {
    const contact = this.objects.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    this.objects.contacts.delete(id);
    this.sorted.clear();
    this.lastModified += 60_000;
    this.archivedContacts.set(id, {
      ...contact,
      archivedAt: new Date(this.lastModified).toISOString(),
    });
  }

  /**
   * Merges `secondary` into `primary` as HubSpot does: the secondary's id is gone (not archived),
   * and the primary lists it in hs_merged_object_ids and counts as modified.
   */
  merge(primary: string, secondary: string): void {
    if (!this.objects.contacts.delete(secondary)) throw new Error(`no contact ${secondary}`);
    this.sorted.clear();
    const merged = this.objects.contacts.get(primary)?.properties.hs_merged_object_ids;
    this.put(
      "contacts",
      { hs_merged_object_ids: merged ? `${merged};${secondary}` : secondary },
      primary,
    );
  }

  associate(contactId: string, type: "companies" | "deals", ids: string[]): void {
    this.associations[type].set(contactId, ids);
  }

  requestsTo(path: string): RecordedHubspotRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const raw = await readBody(request);
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const authorization = request.headers.authorization;
    if (this.recordRequests)
      this.requests.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization,
        body,
      });

    if (authorization !== `Bearer ${this.accessToken}`) {
      send(response, 401, {
        status: "error",
        message:
          "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        correlationId: "fake-correlation-id",
        category: "INVALID_AUTHENTICATION",
      });
      return;
    }
    if (this.limits && this.overLimit(response, url.pathname.endsWith("/search"))) return;
    if (this.rateLimited.next > 0) {
      this.rateLimited.next -= 1;
      send(
        response,
        429,
        {
          status: "error",
          message: "You have reached your ten_secondly_rolling limit.",
          errorType: "RATE_LIMIT",
          correlationId: "fake-correlation-id",
          policyName: "TEN_SECONDLY_ROLLING",
        },
        {
          "retry-after": String(this.rateLimited.retryAfterSeconds),
          ...rateLimitHeaders(0, this.dailyRemaining),
        },
      );
      return;
    }
    if (this.failing.next > 0) {
      this.failing.next -= 1;
      send(response, this.failing.status, {
        status: "error",
        message: this.failing.message ?? "internal error",
        correlationId: "fake-correlation-id",
        category: "INTERNAL_ERROR",
      });
      return;
    }

    const route = `${request.method} ${url.pathname.replace(/\/$/, "")}`;
    let match: RegExpExecArray | null;
    if ((match = /^GET \/crm\/v3\/objects\/(contacts|companies|deals)$/.exec(route))) {
      const type = match[1] as ObjectType;
      if (this.missingScopes.has(`crm.objects.${type}.read`)) return missingScope(response, type);
      return this.list(response, type, url.searchParams);
    }
    if ((match = /^POST \/crm\/v3\/objects\/(contacts|companies|deals)\/search$/.exec(route)))
      return this.search(response, match[1] as ObjectType, body as SearchRequest);
    if ((match = /^POST \/crm\/v3\/objects\/(contacts|companies|deals)\/batch\/read$/.exec(route)))
      return this.batchRead(response, match[1] as ObjectType, body as BatchReadRequest);
    if (
      (match = /^POST \/crm\/v4\/associations\/contacts\/(companies|deals)\/batch\/read$/.exec(
        route,
      ))
    )
      return this.associationsRead(
        response,
        match[1] as "companies" | "deals",
        body as BatchReadRequest,
      );
    if (route === "GET /crm/v3/owners") {
      if (this.missingScopes.has("crm.objects.owners.read"))
        return missingScope(response, "owners");
      return this.ownersPage(response, url.searchParams);
    }
    send(response, 404, {
      status: "error",
      message: `No route for ${route}`,
      category: "OBJECT_NOT_FOUND",
    });
  }

  /** Counts the request against the limits, or answers 429 as HubSpot does and returns true. */
  private overLimit(response: ServerResponse, search: boolean): boolean {
    const limits = this.limits!;
    const now = Date.now();
    while (this.burst.length && this.burst[0]! <= now - BURST_WINDOW_MS) this.burst.shift();
    while (this.searches.length && this.searches[0]! <= now - 1_000) this.searches.shift();
    const refuse = (policyName: string, message: string) => {
      this.throttled += 1;
      send(
        response,
        429,
        {
          status: "error",
          message,
          errorType: "RATE_LIMIT",
          correlationId: "fake-correlation-id",
          policyName,
        },
        search ? {} : this.limitHeaders(),
      );
      return true;
    };
    if (this.dailyUsed >= limits.daily)
      return refuse("DAILY", "You have reached your daily limit.");
    if (this.burst.length >= limits.burstPer10Seconds)
      return refuse("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.");
    if (search && this.searches.length >= limits.searchPerSecond)
      return refuse("SECONDLY", "You have reached your secondly limit.");
    this.burst.push(now);
    if (search) this.searches.push(now);
    this.dailyUsed += 1;
    this.dailyRemaining = limits.daily - this.dailyUsed;
    return false;
  }

  /** The X-HubSpot-RateLimit-* headers of a non-search answer. */
  private limitHeaders(): Record<string, string> {
    if (!this.limits) return rateLimitHeaders(99, this.dailyRemaining);
    return {
      "x-hubspot-ratelimit-daily": String(this.limits.daily),
      "x-hubspot-ratelimit-daily-remaining": String(this.limits.daily - this.dailyUsed),
      "x-hubspot-ratelimit-interval-milliseconds": String(BURST_WINDOW_MS),
      "x-hubspot-ratelimit-max": String(this.limits.burstPer10Seconds),
      "x-hubspot-ratelimit-remaining": String(
        Math.max(0, this.limits.burstPer10Seconds - this.burst.length),
      ),
    };
  }

  /** The objects sorted as a search asks, cached until the next change (a bench has 100,000). */
  private sortedBy(type: ObjectType, sortName: string | undefined, descending: boolean) {
    const key = `${type}:${sortName ?? ""}:${descending}`;
    const cached = this.sorted.get(key);
    if (cached) return cached;
    const keyed = [...this.objects[type].values()].map((object) => ({
      object,
      value: sortName ? comparable(object.properties[sortName], sortName) : null,
    }));
    keyed.sort((a, b) => {
      if (!sortName) return Number(a.object.id) - Number(b.object.id);
      const order = compareComparable(a.value, b.value);
      return (descending ? -order : order) || Number(a.object.id) - Number(b.object.id);
    });
    this.sorted.set(key, keyed);
    return keyed;
  }

  private list(response: ServerResponse, type: ObjectType, query: URLSearchParams): void {
    const limit = Math.min(Number(query.get("limit") ?? 10), 100);
    const after = Number(query.get("after") ?? 0);
    const properties = query.get("properties")?.split(",") ?? [];
    const archived = query.get("archived") === "true";
    const all = [
      ...(archived && type === "contacts" ? this.archivedContacts : this.objects[type]).values(),
    ].sort((a, b) => Number(a.id) - Number(b.id));
    const page = all.slice(after, after + limit);
    send(
      response,
      200,
      {
        results: page.map((object) => ({
          ...publicObject(object, properties),
          ...("archivedAt" in object ? { archived: true, archivedAt: object.archivedAt } : {}),
        })),
        ...(after + limit < all.length
          ? { paging: { next: { after: String(after + limit) } } }
          : {}),
      },
      this.limitHeaders(),
    );
  }

  private search(response: ServerResponse, type: ObjectType, request: SearchRequest): void {
    const limit = request.limit ?? 10;
    const after = Number(request.after ?? 0);
    if (limit > 200) {
      send(response, 400, validationError("limit must be 200 or less"));
      return;
    }
    if (after + limit > SEARCH_RESULT_LIMIT) {
      send(
        response,
        400,
        validationError(
          `There was a problem with the request. Paging past ${SEARCH_RESULT_LIMIT} results is not supported.`,
        ),
      );
      return;
    }
    const groups = request.filterGroups ?? [];
    const sort = request.sorts?.[0];
    const sortName = typeof sort === "string" ? sort.replace(/^-/, "") : sort?.propertyName;
    const descending =
      typeof sort === "string" ? sort.startsWith("-") : sort?.direction === "DESCENDING";
    const sorted = this.sortedBy(type, sortName, descending);
    const only =
      groups.length === 1 && groups[0]!.filters.length === 1 ? groups[0]!.filters[0]! : null;
    // The sync's query (GTE on the ascending sort property): found by bisection, not a scan.
    const matching =
      only && !descending && only.propertyName === sortName && only.operator === "GTE"
        ? sorted.slice(lowerBound(sorted, comparable(only.value, sortName))).map((e) => e.object)
        : sorted
            .map((entry) => entry.object)
            .filter(
              (object) =>
                groups.length === 0 ||
                groups.some((group) => group.filters.every((filter) => matches(object, filter))),
            );
    const page = matching.slice(after, after + limit);
    const properties = request.properties ?? [];
    send(response, 200, {
      total: matching.length,
      results: page.map((object) => publicObject(object, properties)),
      ...(after + limit < matching.length
        ? { paging: { next: { after: String(after + limit) } } }
        : {}),
    });
  }

  private batchRead(response: ServerResponse, type: ObjectType, request: BatchReadRequest): void {
    const most = request.propertiesWithHistory?.length ? 50 : 100;
    if (request.inputs.length > most) {
      send(response, 400, validationError(`at most ${most} inputs per batch read`));
      return;
    }
    const now = new Date().toISOString();
    const results = request.inputs
      .map((input) => this.objects[type].get(input.id))
      .filter((object): object is FakeObject => object !== undefined)
      .map((object) => ({
        ...publicObject(object, request.properties ?? []),
        ...(request.propertiesWithHistory?.length
          ? {
              propertiesWithHistory: Object.fromEntries(
                request.propertiesWithHistory.map((name) => [
                  name,
                  (object.history[name] ?? []).map((entry) => ({
                    ...entry,
                    sourceType: "CRM_UI",
                  })),
                ]),
              ),
            }
          : {}),
      }));
    send(
      response,
      200,
      { status: "COMPLETE", results, startedAt: now, completedAt: now },
      this.limitHeaders(),
    );
  }

  private associationsRead(
    response: ServerResponse,
    to: "companies" | "deals",
    request: BatchReadRequest,
  ): void {
    const now = new Date().toISOString();
    const results = [];
    const errors = [];
    for (const { id } of request.inputs) {
      const ids = this.associations[to].get(id) ?? [];
      if (ids.length === 0) {
        errors.push({
          status: "error",
          category: "OBJECT_NOT_FOUND",
          subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
          message: `No ${to === "companies" ? "company" : "deal"} is associated with contact ${id}.`,
          context: { fromObjectId: [id] },
        });
        continue;
      }
      results.push({
        from: { id },
        to: ids.map((toId) => ({
          toObjectId: Number(toId),
          associationTypes: [
            { category: "HUBSPOT_DEFINED", typeId: to === "companies" ? 279 : 4, label: null },
          ],
        })),
      });
    }
    send(
      response,
      errors.length ? 207 : 200,
      {
        status: "COMPLETE",
        results,
        ...(errors.length ? { numErrors: errors.length, errors } : {}),
        startedAt: now,
        completedAt: now,
      },
      this.limitHeaders(),
    );
  }

  private ownersPage(response: ServerResponse, query: URLSearchParams): void {
    const limit = Math.min(Number(query.get("limit") ?? 100), 500);
    const after = Number(query.get("after") ?? 0);
    const page = this.owners.slice(after, after + limit);
    send(
      response,
      200,
      {
        results: page.map((owner) => ({
          id: owner.id,
          email: owner.email,
          type: "PERSON",
          firstName: owner.firstName ?? "",
          lastName: owner.lastName ?? "",
          userId: Number(owner.id) + 1,
          userIdIncludingInactive: Number(owner.id) + 1,
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:00.000Z",
          archived: false,
          teams: owner.teams ?? [],
        })),
        ...(after + limit < this.owners.length
          ? { paging: { next: { after: String(after + limit) } } }
          : {}),
      },
      this.limitHeaders(),
    );
  }
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
  highValue?: string;
}
interface SearchRequest {
  filterGroups?: Array<{ filters: Filter[] }>;
  sorts?: Array<string | { propertyName: string; direction?: "ASCENDING" | "DESCENDING" }>;
  properties?: string[];
  limit?: number;
  after?: string | number;
}
interface BatchReadRequest {
  inputs: Array<{ id: string }>;
  properties?: string[];
  propertiesWithHistory?: string[];
}

const DATE_PROPERTIES = /date|_at$|^hs_v2_date_entered_/;

/** Datetime properties are filtered and sorted as instants; HubSpot takes filter values in epoch ms. */
function comparable(value: string | null | undefined, name: string): number | string | null {
  if (value === null || value === undefined || value === "") return null;
  if (DATE_PROPERTIES.test(name)) {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value.toLowerCase();
}

/** The first entry whose value is at least `wanted` (nulls sort last). */
function lowerBound(
  sorted: Array<{ value: number | string | null }>,
  wanted: number | string | null,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareComparable(sorted[middle]!.value, wanted) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function compareComparable(left: number | string | null, right: number | string | null) {
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  return left < right ? -1 : 1;
}

function matches(object: FakeObject, filter: Filter): boolean {
  const name = filter.propertyName;
  const actual = comparable(
    object.properties[name] ?? (name === "hs_object_id" ? object.id : null),
    name,
  );
  const wanted = comparable(filter.value, name);
  switch (filter.operator) {
    case "HAS_PROPERTY":
      return actual !== null;
    case "NOT_HAS_PROPERTY":
      return actual === null;
    case "EQ":
      return actual === wanted;
    case "NEQ":
      return actual !== wanted;
    case "IN":
      return (filter.values ?? []).some((value) => comparable(value, name) === actual);
    case "BETWEEN":
      return (
        actual !== null &&
        wanted !== null &&
        actual >= wanted &&
        actual <= (comparable(filter.highValue, name) ?? actual)
      );
    case "GT":
      return actual !== null && wanted !== null && actual > wanted;
    case "GTE":
      return actual !== null && wanted !== null && actual >= wanted;
    case "LT":
      return actual !== null && wanted !== null && actual < wanted;
    case "LTE":
      return actual !== null && wanted !== null && actual <= wanted;
    default:
      return false;
  }
}

/** The object as the API returns it: the requested properties plus the ones it always returns. */
function publicObject(object: FakeObject, properties: string[]) {
  const names = new Set([...properties, "createdate", "lastmodifieddate", "hs_object_id"]);
  return {
    id: object.id,
    properties: Object.fromEntries(
      [...names].map((name) => [name, object.properties[name] ?? null]),
    ),
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: false,
  };
}

function missingScope(response: ServerResponse, objects: string): void {
  send(response, 403, {
    status: "error",
    message: `This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.`,
    correlationId: "fake-correlation-id",
    errors: [
      {
        message: "One or more of the following scopes are required.",
        context: { requiredGranularScopes: [`crm.objects.${objects}.read`] },
      },
    ],
    category: "MISSING_SCOPES",
  });
}

function validationError(message: string) {
  return {
    status: "error",
    message,
    correlationId: "fake-correlation-id",
    category: "VALIDATION_ERROR",
  };
}

/** The headers HubSpot sends on every non-search API answer. */
function rateLimitHeaders(remaining: number, dailyRemaining: number): Record<string, string> {
  return {
    "x-hubspot-ratelimit-daily": "250000",
    "x-hubspot-ratelimit-daily-remaining": String(dailyRemaining),
    "x-hubspot-ratelimit-interval-milliseconds": "10000",
    "x-hubspot-ratelimit-max": "100",
    "x-hubspot-ratelimit-remaining": String(remaining),
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json;charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
