// The HubSpot calls Cadence makes, through the official @hubspot/api-client, each behind one retry
// policy: a 429 waits what HubSpot asks (Retry-After, else the X-HubSpot-RateLimit interval); a
// 5xx or a network error backs off exponentially, capped; anything else (401, 403, 400) fails at
// once. The SDK's own retry decorator is not used: it ignores Retry-After, and its settings are
// global to the process. Calls are paced to the burst limit HubSpot's headers state
// (X-HubSpot-RateLimit-Max per X-HubSpot-RateLimit-Interval-Milliseconds), so a long sync uses
// the whole allowance without meeting 429s, whose wait (a whole interval) would waste it.
import { Client } from "@hubspot/api-client";

export interface HubspotObject {
  id: string;
  properties: Record<string, string | null>;
  /** For batch reads that asked for it: each property's values, newest first. */
  history?: Record<string, Array<{ value: string; timestamp: Date }>>;
}

export interface HubspotOwner {
  id: string;
  email: string | null;
  /** The owner's primary team, or the first one. */
  team: string | null;
}

export interface SearchPage {
  total: number;
  results: HubspotObject[];
  after: string | null;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first backoff after a 5xx or a network error; doubled each time, up to maxWaitMs. */
  baseDelayMs: number;
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_HUBSPOT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxWaitMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A HubSpot answer that retrying will not change, or the last of the retries; says what to do. */
export class HubspotError extends Error {
  override name = "HubspotError";
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The sync stopped on purpose: the day's API allowance left is under the floor. */
export class DailyAllowanceError extends HubspotError {
  override name = "DailyAllowanceError";
  constructor(message: string) {
    super(message, null);
  }
}

interface ApiFailure {
  code?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
  message?: unknown;
}

/** How long to wait before retrying this failure, or null when it must not be retried. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  const failure = error as ApiFailure;
  const status = typeof failure.code === "number" ? failure.code : null;
  if (status === 429) {
    const retryAfter = Number(failure.headers?.["retry-after"]);
    const interval = Number(failure.headers?.["x-hubspot-ratelimit-interval-milliseconds"]);
    const wait =
      Number.isFinite(retryAfter) && retryAfter >= 0
        ? retryAfter * 1000
        : Number.isFinite(interval) && interval > 0
          ? interval
          : 10_000;
    return Math.min(wait, policy.maxWaitMs);
  }
  // A 5xx, or no HTTP answer at all (refused, reset, DNS): the service or the network is unwell.
  if ((status !== null && status >= 500) || status === null)
    return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxWaitMs);
  return null;
}

function explain(error: unknown, baseUrl: string): HubspotError {
  const failure = error as ApiFailure;
  const status = typeof failure.code === "number" ? failure.code : null;
  const body = failure.body as { message?: unknown; category?: unknown } | string | undefined;
  const detail =
    typeof body === "object" && body && typeof body.message === "string"
      ? body.message
      : typeof body === "string"
        ? body.slice(0, 200)
        : String(failure.message ?? error);
  if (status === 401)
    return new HubspotError(
      "HubSpot refused the access token (401). Copy it again from the private app's Auth tab (Settings > Integrations > Private Apps).",
      401,
    );
  if (status === 403)
    return new HubspotError(
      `HubSpot says the token lacks a scope (403: ${detail}). Give the private app the scopes listed in README.md, 'Connect HubSpot'.`,
      403,
    );
  if (status === 429)
    return new HubspotError(
      `HubSpot's rate limit is still exceeded after retrying (${detail}).`,
      429,
    );
  if (status === null)
    return new HubspotError(
      `HubSpot cannot be reached at ${baseUrl} (${detail}). Check the network and HUBSPOT_API_URL.`,
      null,
    );
  return new HubspotError(`HubSpot answered ${status}: ${detail}`, status);
}

/** HubSpot's daily API allowance, from the X-HubSpot-RateLimit-Daily(-Remaining) headers. */
export interface DailyAllowance {
  limit: number;
  remaining: number;
}

export interface HubspotApi {
  /** The daily allowance as of the last answer that carried it; null before any did. */
  dailyAllowance(): DailyAllowance | null;
  /** Cheap reads that prove the token works and has every scope the sync needs. */
  verify(): Promise<void>;
  searchContacts(request: {
    modifiedSince: Date;
    properties: string[];
    limit: number;
    after: string | null;
  }): Promise<SearchPage>;
  readContacts(
    ids: string[],
    properties: string[],
    withHistory: string[],
  ): Promise<HubspotObject[]>;
  readCompanies(ids: string[], properties: string[]): Promise<HubspotObject[]>;
  readDeals(ids: string[], properties: string[]): Promise<HubspotObject[]>;
  /** contact id -> associated object ids, in HubSpot's order. */
  associated(contactIds: string[], to: "companies" | "deals"): Promise<Map<string, string[]>>;
  owners(): Promise<Map<string, HubspotOwner>>;
  /** The ids of deleted (archived) contacts; HubSpot keeps them listed for 90 days. */
  archivedContactIds(): Promise<string[]>;
}

/**
 * HubSpot's search endpoints take about five requests a second per account; staying under that
 * spares a 429 (whose answer, unlike the other endpoints', carries no rate-limit headers).
 */
export const SEARCH_INTERVAL_MS = 250;

/** Until HubSpot's headers say otherwise: the lowest tier's burst limit (Free and Starter). */
const DEFAULT_BURST = { max: 100, intervalMs: 10_000 };

/**
 * Our own calls in HubSpot's rolling window. Each counts from when it was sent until its answer
 * came back (later than HubSpot counted it), so the window we see never frees before HubSpot's.
 */
export function burstPacer(
  now: () => number = Date.now,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
) {
  const limit = { ...DEFAULT_BURST };
  const calls: Array<{ at: number }> = [];
  return {
    learn(headers: Record<string, string>) {
      const max = Number(headers["x-hubspot-ratelimit-max"]);
      const interval = Number(headers["x-hubspot-ratelimit-interval-milliseconds"]);
      if (max > 0) limit.max = max;
      if (interval > 0) limit.intervalMs = interval;
    },
    /** Waits for room in the window; the returned function marks the call answered. */
    async take(): Promise<() => void> {
      for (;;) {
        const since = now() - limit.intervalMs;
        for (let i = calls.length - 1; i >= 0; i -= 1)
          if (calls[i]!.at <= since) calls.splice(i, 1);
        // One call of room is kept for HubSpot counting a moment after we stamped.
        if (calls.length < limit.max - 1) break;
        const oldest = Math.min(...calls.map((call) => call.at));
        // Every call in the window still unanswered: look again shortly.
        await sleep(Number.isFinite(oldest) ? oldest - since + 5 : 50);
      }
      const call = { at: Number.POSITIVE_INFINITY };
      calls.push(call);
      return () => {
        call.at = now();
      };
    },
  };
}

export function hubspotApi(
  accessToken: string,
  baseUrl: string,
  policy: RetryPolicy = DEFAULT_HUBSPOT_RETRY,
): HubspotApi {
  let daily: DailyAllowance | null = null;
  const pacer = burstPacer();
  const client = new Client({
    accessToken,
    basePath: baseUrl,
    middleware: [
      {
        pre: (context) => context,
        post: (context) => {
          const headers = (context as { headers?: Record<string, string> }).headers ?? {};
          const limit = Number(headers["x-hubspot-ratelimit-daily"]);
          const remaining = Number(headers["x-hubspot-ratelimit-daily-remaining"]);
          if (headers["x-hubspot-ratelimit-daily-remaining"] !== undefined && limit > 0)
            daily = { limit, remaining: Number.isFinite(remaining) ? remaining : 0 };
          pacer.learn(headers);
          return context;
        },
      },
    ],
  });
  let lastSearch = 0;
  const paceSearch = async () => {
    const wait = lastSearch + SEARCH_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastSearch = Date.now();
  };

  async function call<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const answered = await pacer.take();
      let failure: unknown;
      try {
        return await work();
      } catch (error) {
        failure = error;
      } finally {
        answered();
      }
      const wait = attempt < policy.attempts ? retryDelay(failure, attempt, policy) : null;
      if (wait === null) throw explain(failure, baseUrl);
      await policy.sleep(wait);
    }
  }

  const plain = (object: {
    id: string;
    properties: Record<string, string | null>;
    propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: Date }>>;
  }): HubspotObject => ({
    id: object.id,
    properties: object.properties,
    ...(object.propertiesWithHistory ? { history: object.propertiesWithHistory } : {}),
  });

  async function batchRead(
    type: "contacts" | "companies" | "deals",
    ids: string[],
    properties: string[],
    propertiesWithHistory: string[] = [],
  ): Promise<HubspotObject[]> {
    const found: HubspotObject[] = [];
    // HubSpot reads at most 100 objects per batch call, and 50 when it returns property history.
    const size = propertiesWithHistory.length ? 50 : 100;
    for (let start = 0; start < ids.length; start += size) {
      const input = {
        inputs: ids.slice(start, start + size).map((id) => ({ id })),
        properties,
        propertiesWithHistory,
      };
      const answer = await call(() => client.crm[type].batchApi.read(input, false));
      found.push(...answer.results.map(plain));
    }
    return found;
  }

  return {
    dailyAllowance: () => daily,

    async verify() {
      // One cheap read per scope the sync needs, so a missing scope is named now, not mid-sync.
      const checks: Array<[string, () => Promise<unknown>]> = [
        ["crm.objects.contacts.read", () => client.crm.contacts.basicApi.getPage(1)],
        ["crm.objects.companies.read", () => client.crm.companies.basicApi.getPage(1)],
        ["crm.objects.deals.read", () => client.crm.deals.basicApi.getPage(1)],
        [
          "crm.objects.owners.read",
          () => client.crm.owners.ownersApi.getPage(undefined, undefined, 1),
        ],
      ];
      for (const [scope, check] of checks) {
        try {
          await call(check);
        } catch (error) {
          if (error instanceof HubspotError && error.status === 403)
            throw new HubspotError(
              `The private app lacks the ${scope} scope (HubSpot answered 403). Add it in HubSpot (Settings > Integrations > Private Apps > your app > Scopes); the token stays the same.`,
              403,
            );
          throw error;
        }
      }
    },

    async searchContacts({ modifiedSince, properties, limit, after }) {
      const answer = await call(async () => {
        await paceSearch();
        return client.crm.contacts.searchApi.doSearch({
          filterGroups: [
            {
              filters: [
                {
                  propertyName: "lastmodifieddate",
                  operator: "GTE" as never,
                  value: String(modifiedSince.getTime()),
                },
              ],
            },
          ],
          // The documented object form; the SDK types sorts as strings and passes them through.
          sorts: [
            { propertyName: "lastmodifieddate", direction: "ASCENDING" },
          ] as unknown as string[],
          properties,
          limit,
          ...(after ? { after } : {}),
        });
      });
      return {
        total: answer.total,
        results: answer.results.map(plain),
        after: answer.paging?.next?.after ?? null,
      };
    },

    readContacts: (ids, properties, withHistory) =>
      batchRead("contacts", ids, properties, withHistory),
    readCompanies: (ids, properties) => batchRead("companies", ids, properties),
    readDeals: (ids, properties) => batchRead("deals", ids, properties),

    async associated(contactIds, to) {
      const found = new Map<string, string[]>();
      for (let start = 0; start < contactIds.length; start += 1000) {
        const inputs = contactIds.slice(start, start + 1000).map((id) => ({ id }));
        const answer = await call(() =>
          client.crm.associations.v4.batchApi.getPage("contacts", to, { inputs }),
        );
        // A contact with no association comes back among the errors (207): it simply has none.
        for (const result of answer.results)
          found.set(
            result._from.id,
            result.to.map((target) => String(target.toObjectId)),
          );
      }
      return found;
    },

    async archivedContactIds() {
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = await call(() =>
          client.crm.contacts.basicApi.getPage(100, after, [], undefined, undefined, true),
        );
        ids.push(...page.results.map((contact) => contact.id));
        after = page.paging?.next?.after;
      } while (after);
      return ids;
    },

    async owners() {
      const found = new Map<string, HubspotOwner>();
      let after: string | undefined;
      do {
        const page = await call(() =>
          client.crm.owners.ownersApi.getPage(undefined, after, 500, false),
        );
        for (const owner of page.results) {
          const team = owner.teams?.find((t) => t.primary) ?? owner.teams?.[0];
          found.set(owner.id, {
            id: owner.id,
            email: owner.email ?? null,
            team: team?.name ?? null,
          });
        }
        after = page.paging?.next?.after;
      } while (after);
      return found;
    },
  };
}
