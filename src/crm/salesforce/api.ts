// The Salesforce calls Cadence makes, through jsforce: a connected app's OAuth 2.0
// client-credentials flow (no user's password), then REST `query`/`queryAll` with SOQL, paged by
// `nextRecordsUrl`. jsforce itself retries a 5xx or a network error on reads, backing off
// exponentially (half a second, doubled, five retries at most); what still fails here fails the
// sync, which resumes from its cursor next time. Every answer's Sforce-Limit-Info header
// (api-usage=used/max) is kept, so a sync can stop before the org's daily allowance runs out.
import { Connection, type QueryResult } from "jsforce";
import type { SalesforceRecord } from "./mapping.js";

/** The REST API version asked for: Spring '25. */
export const SALESFORCE_API_VERSION = "63.0";

/** A Salesforce answer that retrying will not change, or the last of the retries; says what to do. */
export class SalesforceError extends Error {
  override name = "SalesforceError";
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface SalesforceCredentials {
  clientId: string;
  clientSecret: string;
}

/** The org's API allowance for the last 24 hours, as of the last answer that carried it. */
export interface DailyUsage {
  used: number;
  limit: number;
}

export interface QueryPage {
  records: SalesforceRecord[];
  totalSize: number;
  /** Where the next page is, or null on the last page. */
  nextRecordsUrl: string | null;
}

export interface SalesforceApi {
  /** The org's instance, from the token answer. */
  instanceUrl(): string;
  dailyUsage(): DailyUsage | null;
  /** A cheap read of each object the sync needs, so a missing permission is named now. */
  verify(): Promise<void>;
  /** One page of a SOQL query; `queryAll` includes deleted and merged records. */
  query(soql: string, options?: { all?: boolean }): Promise<QueryPage>;
  queryMore(nextRecordsUrl: string): Promise<QueryPage>;
  /** Every page of a query (for the small lookups: owners, opportunities, history). */
  queryEverything(soql: string, options?: { all?: boolean }): Promise<SalesforceRecord[]>;
}

function explain(error: unknown, loginUrl: string): SalesforceError {
  const failure = error as { name?: unknown; errorCode?: unknown; message?: unknown };
  const code =
    typeof failure.errorCode === "string"
      ? failure.errorCode
      : typeof failure.name === "string"
        ? failure.name
        : null;
  const detail = String(failure.message ?? error).slice(0, 300);
  switch (code) {
    case "invalid_client_id":
    case "invalid_client":
    case "invalid_client_credentials":
      return new SalesforceError(
        `Salesforce refused the connected app's consumer key or secret (${detail}). Copy both again from Setup > App Manager > your app > View > Manage Consumer Details.`,
        code,
      );
    case "invalid_grant":
    case "unsupported_grant_type":
      return new SalesforceError(
        `Salesforce refused the client credentials flow (${detail}). In the connected app, tick "Enable Client Credentials Flow" and choose its run-as user (Manage > Edit Policies > Client Credentials Flow), and use your My Domain login URL, not login.salesforce.com.`,
        code,
      );
    case "INVALID_SESSION_ID":
      return new SalesforceError(
        `Salesforce refused the session (${detail}). Connect again with \`cadence crm connect salesforce\`.`,
        code,
      );
    case "REQUEST_LIMIT_EXCEEDED":
      return new SalesforceError(
        `Salesforce's API request limit is exceeded (${detail}). The sync resumes on its own once Salesforce allows requests again.`,
        code,
      );
    case "INSUFFICIENT_ACCESS":
    case "INVALID_TYPE":
    case "INVALID_FIELD":
      return new SalesforceError(
        `Salesforce refused a query (${code}: ${detail}). Give the run-as user read access to Lead, Opportunity, User and their fields, or fix the field names with \`cadence crm mapping set\`.`,
        code,
      );
    default:
      break;
  }
  if (error instanceof TypeError)
    return new SalesforceError(
      `Salesforce cannot be reached at ${loginUrl} (${detail}). Check the network and the login URL.`,
      null,
    );
  return new SalesforceError(`Salesforce answered ${code ?? "an error"}: ${detail}`, code);
}

const page = (result: QueryResult<SalesforceRecord>): QueryPage => ({
  records: result.records,
  totalSize: result.totalSize,
  nextRecordsUrl: result.nextRecordsUrl ?? null,
});

/** Signs in with the connected app's client credentials; throws SalesforceError when refused. */
export async function salesforceApi(
  credentials: SalesforceCredentials,
  loginUrl: string,
): Promise<SalesforceApi> {
  const connection = new Connection({
    loginUrl,
    version: SALESFORCE_API_VERSION,
    oauth2: { loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
    // The flow has no refresh token: an expired session is replaced by asking again.
    refreshFn: (conn, callback) => {
      conn.oauth2.requestToken({ grant_type: "client_credentials" }).then(
        (token) => {
          callback(null, token.access_token, token);
        },
        (error: unknown) => {
          callback(error as Error);
        },
      );
    },
  });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw explain(error, loginUrl);
    }
  };
  await call(() => connection.authorize({ grant_type: "client_credentials" }));

  const api: SalesforceApi = {
    instanceUrl: () => connection.instanceUrl,
    dailyUsage: () => connection.limitInfo.apiUsage ?? null,

    async verify() {
      for (const object of ["Lead", "Opportunity", "User"])
        await api.query(`SELECT Id FROM ${object} LIMIT 1`);
    },

    query: (soql, options = {}) =>
      call(async () =>
        page(
          await connection.query<SalesforceRecord>(soql, {
            autoFetch: false,
            scanAll: options.all ?? false,
          }),
        ),
      ),

    queryMore: (nextRecordsUrl) =>
      call(async () =>
        page(
          // jsforce takes the locator: the URL's last segment.
          await connection.queryMore<SalesforceRecord>(nextRecordsUrl.split("/").pop() ?? ""),
        ),
      ),

    async queryEverything(soql, options) {
      let current = await api.query(soql, options);
      const records = [...current.records];
      while (current.nextRecordsUrl) {
        current = await api.queryMore(current.nextRecordsUrl);
        records.push(...current.records);
      }
      return records;
    },
  };
  return api;
}
