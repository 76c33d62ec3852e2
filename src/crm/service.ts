// The CRM use cases, shared by the CLI and the scheduler: connect (verify, then store the token
// sealed), status, disconnect, preview and sync. HubSpot records become lead records through the
// same validation and the same write path as a CSV import (src/funnel/import.ts): one code path
// for every source.
import { z } from "zod";
import type { CrmConfig } from "../config.js";
import { openSecret, sealSecret, SecretsError, type EncryptionKey } from "../crypto/secrets.js";
import type { Database, Db } from "../db/client.js";
import type { LeadDatabase } from "../funnel/bulk-writer.js";
import { importLeads, type ImportSummary } from "../funnel/import.js";
import { arraySource } from "../funnel/records.js";
import { leadInputSchema, parseLead, type ParsedLead } from "../funnel/rules.js";
import {
  DailyAllowanceError,
  DEFAULT_HUBSPOT_RETRY,
  HubspotError,
  hubspotApi,
  type HubspotApi,
  type RetryPolicy,
} from "./hubspot/api.js";
import {
  HubspotMappingSchema,
  mapContact,
  mergedIds,
  rawValues,
  type HubspotMapping,
} from "./hubspot/mapping.js";
import { contactBatches } from "./hubspot/reader.js";
import {
  salesforceApi,
  SalesforceError,
  type DailyUsage,
  type SalesforceApi,
} from "./salesforce/api.js";
import {
  mapLead,
  rawValues as salesforceRawValues,
  SalesforceMappingSchema,
  type LeadContext,
  type SalesforceMapping,
} from "./salesforce/mapping.js";
import {
  leadBatches,
  leadsOfChangedOpportunities,
  recentLeads,
  removedLeads,
} from "./salesforce/reader.js";
import {
  allConnections,
  deleteConnection,
  findConnection,
  forgetLeads,
  recordBatchStored,
  recordSyncOutcome,
  recordSyncStarted,
  saveConnection,
  HubspotSettingsSchema,
  SalesforceSettingsSchema,
  updateSettings,
  type CrmConnectionRow,
  type CrmProvider,
} from "./store.js";

export type CrmResult<T extends object = object> =
  | ({ ok: true } & T)
  | {
      ok: false;
      message: string;
      /** Set when a sync stopped on purpose, under the CRM's daily allowance floor. */
      reason?: "daily-allowance";
    };

const no = (message: string): { ok: false; message: string } => ({ ok: false, message });

const MISSING_KEY =
  "CADENCE_ENCRYPTION_KEY is not set: CRM credentials are stored encrypted with it. Generate one with `openssl rand -base64 32`, set it in .env, and keep it with your backups.";

/** What the CRM calls need besides the database: where HubSpot is, the key, the retry policy. */
export interface CrmDeps {
  config: CrmConfig;
  retry?: RetryPolicy;
}

const PRIVATE_APP_TOKEN = /^[\w.-]{10,}$/;

export async function connectHubspot(
  db: Db,
  deps: CrmDeps,
  request: { slackTeamId: string; token: string },
): Promise<CrmResult> {
  const key = deps.config.encryptionKey;
  if (!key) return no(MISSING_KEY);
  const token = request.token.trim();
  if (!PRIVATE_APP_TOKEN.test(token))
    return no(
      "That is not a HubSpot access token: paste the private app's token (it starts with pat-), from Settings > Integrations > Private Apps > your app > Auth.",
    );
  const baseUrl = deps.config.hubspotApiUrl;
  try {
    await hubspotApi(token, baseUrl, deps.retry ?? DEFAULT_HUBSPOT_RETRY).verify();
  } catch (error) {
    if (error instanceof HubspotError) return no(`${error.message} Nothing was stored.`);
    throw error;
  }
  // Connecting again (a new token) keeps the workspace's mapping.
  const existing = await findConnection(db, request.slackTeamId);
  await saveConnection(db, {
    slackTeamId: request.slackTeamId,
    provider: "hubspot",
    credentials: sealSecret(token, key),
    settings: HubspotSettingsSchema.parse({
      baseUrl,
      mapping: existing?.provider === "hubspot" ? existing.settings.mapping : {},
    }),
  });
  return { ok: true };
}

export async function disconnectCrm(db: Db, slackTeamId: string): Promise<boolean> {
  return deleteConnection(db, slackTeamId);
}

export async function crmStatus(db: Db, slackTeamId: string): Promise<CrmConnectionRow | null> {
  return findConnection(db, slackTeamId);
}

/** `cadence start` stops with this when stored CRM credentials cannot be opened. */
export class CrmCredentialsError extends Error {
  override name = "CrmCredentialsError";
}

/**
 * Why `cadence start` cannot use the stored CRM credentials (no key, or not the key they were
 * sealed with), or null when every connection opens.
 */
export async function crmCredentialsProblem(
  db: Db,
  key: EncryptionKey | undefined,
  previous: readonly EncryptionKey[] = [],
): Promise<string | null> {
  const connections = await allConnections(db);
  if (connections.length === 0) return null;
  if (!key)
    return `${connections.length === 1 ? "a CRM is" : "CRMs are"} connected (${connections.map((c) => `${c.provider} for ${c.slackTeamId}`).join(", ")}) but ${MISSING_KEY}`;
  for (const connection of connections) {
    try {
      openSecret(connection.credentials, key, previous);
    } catch (error) {
      if (error instanceof SecretsError)
        return `the ${connection.provider} credentials of ${connection.slackTeamId} cannot be opened: ${error.message}`;
      throw error;
    }
  }
  return null;
}

interface OpenHubspot {
  api: HubspotApi;
  connection: CrmConnectionRow;
  mapping: HubspotMapping;
}

async function openHubspot(
  db: Db,
  deps: CrmDeps,
  slackTeamId: string,
): Promise<CrmResult<OpenHubspot>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection || connection.provider !== "hubspot") return no(notConnected(slackTeamId));
  if (!deps.config.encryptionKey) return no(MISSING_KEY);
  let token: string;
  try {
    token = openSecret(connection.credentials, deps.config.encryptionKey, deps.config.previousKeys);
  } catch (error) {
    if (error instanceof SecretsError) return no(error.message);
    throw error;
  }
  return {
    ok: true,
    connection,
    mapping: connection.settings.mapping,
    api: hubspotApi(token, connection.settings.baseUrl, deps.retry ?? DEFAULT_HUBSPOT_RETRY),
  };
}

export interface PreviewItem {
  crmId: string;
  /** The HubSpot values used, by object and property. */
  raw: Record<string, string>;
  /** The lead record's columns as mapped, before validation. */
  row: Record<string, string>;
  result: ParsedLead;
}

/** A few recently modified contacts, as they would be stored or refused; nothing is written. */
export async function previewHubspot(
  db: Db,
  deps: CrmDeps,
  request: { slackTeamId: string; timezone: string; limit: number },
): Promise<CrmResult<{ items: PreviewItem[] }>> {
  const opened = await openHubspot(db, deps, request.slackTeamId);
  if (!opened.ok) return opened;
  const schema = leadInputSchema(request.timezone);
  const items: PreviewItem[] = [];
  try {
    for await (const batch of contactBatches(opened.api, opened.mapping, new Date(0), {
      limit: request.limit,
    })) {
      for (const context of batch.contacts) {
        const row = mapContact(context, opened.mapping);
        items.push({
          crmId: context.contact.id,
          raw: rawValues(context, opened.mapping),
          row,
          result: parseLead(schema, row, items.length + 1),
        });
      }
    }
  } catch (error) {
    if (error instanceof HubspotError) return no(error.message);
    throw error;
  }
  return { ok: true, items };
}

export interface RefusedRecord {
  crmId: string;
  column: string;
  value: string;
  problem: string;
}

export interface SyncSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** Leads removed: their contacts were deleted in HubSpot, or merged into another. */
  removed: number;
  /** Every refused record's problems (one line each). */
  problems: RefusedRecord[];
  /** The newest modification stored: the next sync resumes here. */
  cursor: Date | null;
}

export interface SyncRequest {
  slackTeamId: string;
  timezone: string;
  /** Read records modified since then; by default, since the cursor (everything the first time). */
  since?: Date;
  now: () => Date;
  /** After each stored batch; awaited. */
  onProgress?: (progress: { read: number; total: number; upTo: Date }) => void | Promise<void>;
}

const emptySummary = (cursor: Date | null): SyncSummary => ({
  read: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  refused: 0,
  removed: 0,
  problems: [],
  cursor,
});

/** Adds a stored batch's counts and refused records to the summary. */
function addToSummary(
  summary: SyncSummary,
  rows: Array<{ raw: Record<string, string> }>,
  stored: ImportSummary,
): void {
  summary.read += rows.length;
  summary.inserted += stored.inserted;
  summary.updated += stored.updated;
  summary.unchanged += stored.unchanged;
  summary.refused += stored.invalid;
  for (const problem of stored.problems)
    summary.problems.push({
      crmId: rows[problem.line - 1]?.raw.id ?? "?",
      column: problem.column,
      value: problem.value,
      problem: problem.problem,
    });
}

/**
 * An incremental sync re-reads this much before its cursor: HubSpot's search index can show a
 * change a little after a later one, and a re-read record that did not change writes nothing.
 */
export const CURSOR_OVERLAP_MS = 5 * 60_000;

export async function syncHubspot(
  // The scheduler passes its Database; `/cadence crm sync` the app's db and lead database.
  database: Pick<Database, "db"> & LeadDatabase,
  deps: CrmDeps,
  request: SyncRequest,
): Promise<CrmResult<{ summary: SyncSummary }>> {
  const db = database.db;
  const opened = await openHubspot(db, deps, request.slackTeamId);
  if (!opened.ok) return opened;
  const { api, connection, mapping } = opened;
  const since =
    request.since ??
    (connection.syncCursor
      ? new Date(connection.syncCursor.getTime() - CURSOR_OVERLAP_MS)
      : new Date(0));
  // A --since later than the cursor leaves out changes between the two: it must not move the
  // cursor past them, or the next sync would never read them.
  const movesCursor = !connection.syncCursor || since <= connection.syncCursor;
  const summary: SyncSummary = {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    refused: 0,
    removed: 0,
    problems: [],
    cursor: connection.syncCursor,
  };
  await recordSyncStarted(db, request.slackTeamId, request.now());
  try {
    let total = 0;
    for await (const batch of contactBatches(api, mapping, since)) {
      const rows = batch.contacts.map((context, index) => ({
        line: index + 1,
        raw: mapContact(context, mapping),
      }));
      const stored = await importLeads(database, arraySource(rows), {
        slackTeamId: request.slackTeamId,
        timezone: request.timezone,
        now: request.now(),
        skipInvalid: true,
        countedAs: "crm_sync",
      });
      // A merged contact's lead is the surviving contact's, stored just now.
      summary.removed += await forgetLeads(
        db,
        request.slackTeamId,
        batch.contacts.flatMap((context) => mergedIds(context.contact)),
      );
      // Only now, with the batch stored, does the cursor move past it.
      await recordBatchStored(db, request.slackTeamId, {
        cursor: movesCursor ? batch.modifiedUpTo : null,
        read: rows.length,
        refused: stored.invalid,
      });
      summary.read += rows.length;
      summary.inserted += stored.inserted;
      summary.updated += stored.updated;
      summary.unchanged += stored.unchanged;
      summary.refused += stored.invalid;
      if (movesCursor) summary.cursor = batch.modifiedUpTo;
      for (const problem of stored.problems)
        summary.problems.push({
          crmId: rows[problem.line - 1]?.raw.id ?? "?",
          column: problem.column,
          value: problem.value,
          problem: problem.problem,
        });
      // The window's total counts what is left from its start: a running estimate of the whole.
      total = Math.max(total, summary.read - rows.length + batch.total);
      await request.onProgress?.({ read: summary.read, total, upTo: batch.modifiedUpTo });
      const short = dailyAllowanceShort(api, deps.config.hubspotDailyFloor);
      if (short) throw new DailyAllowanceError(short);
    }
    // Deleted contacts leave no change to search for: HubSpot lists them apart.
    summary.removed += await forgetLeads(db, request.slackTeamId, await api.archivedContactIds());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: message });
    if (error instanceof HubspotError)
      return {
        ...no(
          `${message} Records stored before this stay stored; the next sync resumes after them.`,
        ),
        ...(error instanceof DailyAllowanceError ? { reason: "daily-allowance" as const } : {}),
      };
    throw error;
  }
  await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: null });
  return { ok: true, summary };
}

/**
 * Why the sync must stop for today: HubSpot's daily allowance left is under the floor
 * (HUBSPOT_DAILY_FLOOR, default a tenth of the day's limit); null while there is enough.
 */
export function dailyAllowanceShort(api: HubspotApi, floor: number | undefined): string | null {
  const daily = api.dailyAllowance();
  if (!daily) return null;
  const minimum = floor ?? Math.ceil(daily.limit / 10);
  if (daily.remaining >= minimum) return null;
  return `HubSpot's daily API allowance is nearly used up (${daily.remaining.toLocaleString("en-US")} of ${daily.limit.toLocaleString("en-US")} calls left, under the floor of ${minimum.toLocaleString("en-US")}), so the sync stopped to leave the rest to the portal's other integrations. It resumes when HubSpot resets the allowance (midnight in the portal's timezone); set HUBSPOT_DAILY_FLOOR to change the floor.`;
}

/** The workspace's mapping as stored (its CRM's kind), every default filled in. */
export async function crmMapping(
  db: Db,
  slackTeamId: string,
): Promise<CrmResult<{ mapping: HubspotMapping | SalesforceMapping }>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection) return no(notConnected(slackTeamId));
  return { ok: true, mapping: connection.settings.mapping };
}

/**
 * Replaces the mapping with `input` (parsed JSON, checked against the connected CRM's mapping
 * schema), or says what is wrong with it; all or nothing.
 */
export async function setCrmMapping(
  db: Db,
  slackTeamId: string,
  input: unknown,
): Promise<CrmResult<{ mapping: HubspotMapping | SalesforceMapping }>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection) return no(notConnected(slackTeamId));
  if (connection.provider === "hubspot") {
    const parsed = HubspotMappingSchema.safeParse(input);
    if (!parsed.success) return mappingRefused(parsed.error);
    await updateSettings(db, slackTeamId, { ...connection.settings, mapping: parsed.data });
    return { ok: true, mapping: parsed.data };
  }
  const parsed = SalesforceMappingSchema.safeParse(input);
  if (!parsed.success) return mappingRefused(parsed.error);
  await updateSettings(db, slackTeamId, { ...connection.settings, mapping: parsed.data });
  return { ok: true, mapping: parsed.data };
}

const mappingRefused = (error: z.ZodError) =>
  no(
    `The mapping was not changed: ${error.issues
      .map((issue) => `${issue.path.join(".") || "(the file)"} ${issue.message}`)
      .join("; ")}.`,
  );

const notConnected = (slackTeamId: string) =>
  `No CRM is connected for ${slackTeamId}: run \`cadence crm connect hubspot\` or \`cadence crm connect salesforce\` first.`;

// --- Salesforce -----------------------------------------------------------------------------

/** A login URL Salesforce serves: https, on a Salesforce domain, or loopback (tests). */
export function salesforceLoginUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL: give your My Domain login URL, such as https://acme.my.salesforce.com.`;
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !loopback)
    return `The login URL must start with https:// (${url}).`;
  if (parsed.pathname !== "/" || parsed.search)
    return `Give the login URL alone, without a path (https://${parsed.host}).`;
  return null;
}

/** The connected app's consumer key and secret, as sealed in the connection's credentials. */
const SalesforceCredentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

export async function connectSalesforce(
  db: Db,
  deps: CrmDeps,
  request: { slackTeamId: string; loginUrl: string; clientId: string; clientSecret: string },
): Promise<CrmResult> {
  const key = deps.config.encryptionKey;
  if (!key) return no(MISSING_KEY);
  const loginUrl = request.loginUrl.trim().replace(/\/+$/, "");
  const problem = salesforceLoginUrlProblem(loginUrl);
  if (problem) return no(`${problem} Nothing was stored.`);
  const credentials = {
    clientId: request.clientId.trim(),
    clientSecret: request.clientSecret.trim(),
  };
  if (!credentials.clientId || !credentials.clientSecret)
    return no(
      "Both the connected app's consumer key and its consumer secret are needed. Nothing was stored.",
    );
  let api: SalesforceApi;
  try {
    api = await salesforceApi(credentials, loginUrl);
    await api.verify();
  } catch (error) {
    if (error instanceof SalesforceError) return no(`${error.message} Nothing was stored.`);
    throw error;
  }
  // Connecting again (new credentials) keeps the workspace's mapping.
  const existing = await findConnection(db, request.slackTeamId);
  await saveConnection(db, {
    slackTeamId: request.slackTeamId,
    provider: "salesforce",
    credentials: sealSecret(JSON.stringify(credentials), key),
    settings: SalesforceSettingsSchema.parse({
      baseUrl: loginUrl,
      instanceUrl: api.instanceUrl(),
      mapping: existing?.provider === "salesforce" ? existing.settings.mapping : {},
    }),
  });
  return { ok: true };
}

interface OpenSalesforce {
  api: SalesforceApi;
  connection: CrmConnectionRow & { provider: "salesforce" };
  mapping: SalesforceMapping;
}

/** Opens the sealed credentials and signs in. */
async function openSalesforce(
  db: Db,
  deps: CrmDeps,
  slackTeamId: string,
): Promise<CrmResult<OpenSalesforce>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection || connection.provider !== "salesforce") return no(notConnected(slackTeamId));
  if (!deps.config.encryptionKey) return no(MISSING_KEY);
  let credentials: z.infer<typeof SalesforceCredentialsSchema>;
  try {
    credentials = SalesforceCredentialsSchema.parse(
      JSON.parse(openSecret(connection.credentials, deps.config.encryptionKey)),
    );
  } catch (error) {
    if (error instanceof SecretsError) return no(error.message);
    throw error;
  }
  try {
    const api = await salesforceApi(credentials, connection.settings.baseUrl);
    return { ok: true, api, connection, mapping: connection.settings.mapping };
  } catch (error) {
    if (error instanceof SalesforceError) return no(error.message);
    throw error;
  }
}

/** A few recently changed Leads, as they would be stored or refused; nothing is written. */
export async function previewSalesforce(
  db: Db,
  deps: CrmDeps,
  request: { slackTeamId: string; timezone: string; limit: number },
): Promise<CrmResult<{ items: PreviewItem[] }>> {
  const opened = await openSalesforce(db, deps, request.slackTeamId);
  if (!opened.ok) return opened;
  const schema = leadInputSchema(request.timezone);
  try {
    const contexts = await recentLeads(opened.api, opened.mapping, request.limit);
    return {
      ok: true,
      items: contexts.map((context, index) => {
        const row = mapLead(context, opened.mapping);
        return {
          crmId: context.lead.Id,
          raw: salesforceRawValues(context, opened.mapping),
          row,
          result: parseLead(schema, row, index + 1),
        };
      }),
    };
  } catch (error) {
    if (error instanceof SalesforceError) return no(error.message);
    throw error;
  }
}

/**
 * Why the sync must stop for now: the org's API allowance left (Sforce-Limit-Info's
 * api-usage=used/max, over the last 24 hours) is under the floor (SALESFORCE_DAILY_FLOOR,
 * default a tenth of the allowance); null while there is enough.
 */
export function salesforceAllowanceShort(
  usage: DailyUsage | null,
  floor: number | undefined,
): string | null {
  if (!usage || usage.limit <= 0) return null;
  const remaining = Math.max(0, usage.limit - usage.used);
  const minimum = floor ?? Math.ceil(usage.limit / 10);
  if (remaining >= minimum) return null;
  return `Salesforce's daily API allowance is nearly used up (${remaining.toLocaleString("en-US")} of ${usage.limit.toLocaleString("en-US")} requests left, under the floor of ${minimum.toLocaleString("en-US")}), so the sync stopped to leave the rest to the org's other integrations. It resumes by itself once requests are left again (the allowance counts the last 24 hours); set SALESFORCE_DAILY_FLOOR to change the floor.`;
}

export async function syncSalesforce(
  database: Pick<Database, "db"> & LeadDatabase,
  deps: CrmDeps,
  request: SyncRequest,
): Promise<CrmResult<{ summary: SyncSummary }>> {
  const db = database.db;
  const opened = await openSalesforce(db, deps, request.slackTeamId);
  if (!opened.ok) {
    await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: opened.message });
    return opened;
  }
  const { api, connection, mapping } = opened;
  const since =
    request.since ??
    (connection.syncCursor
      ? new Date(connection.syncCursor.getTime() - CURSOR_OVERLAP_MS)
      : new Date(0));
  // As for HubSpot: a --since later than the cursor must not move the cursor past what it skipped.
  const movesCursor = !connection.syncCursor || since <= connection.syncCursor;
  const summary = emptySummary(connection.syncCursor);
  const checkAllowance = () => {
    const short = salesforceAllowanceShort(api.dailyUsage(), deps.config.salesforceDailyFloor);
    if (short) throw new SalesforceError(short, "DAILY_FLOOR");
  };
  const store = async (contexts: LeadContext[], cursor: Date | null) => {
    const rows = contexts.map((context, index) => ({
      line: index + 1,
      raw: mapLead(context, mapping),
    }));
    const stored = await importLeads(database, arraySource(rows), {
      slackTeamId: request.slackTeamId,
      timezone: request.timezone,
      now: request.now(),
      skipInvalid: true,
      countedAs: "crm_sync",
    });
    // Only now, with the batch stored, does the cursor move past it.
    await recordBatchStored(db, request.slackTeamId, {
      cursor,
      read: rows.length,
      refused: stored.invalid,
    });
    addToSummary(summary, rows, stored);
    if (cursor) summary.cursor = cursor;
  };
  await recordSyncStarted(db, request.slackTeamId, request.now());
  try {
    checkAllowance();
    // Deletions, merges and Opportunity changes first: the cursor, which only the Lead pass
    // moves, then never passes one of them unread (a sync stopped midway redoes them).
    const removed = await removedLeads(api, since);
    summary.removed += await forgetLeads(
      db,
      request.slackTeamId,
      removed.leads.map((lead) => lead.id),
    );
    checkAllowance();
    // A first backfill reads every converted Lead in the Lead pass anyway.
    if (since.getTime() > 0)
      for await (const contexts of leadsOfChangedOpportunities(api, mapping, since)) {
        await store(contexts, null);
        checkAllowance();
      }
    let total = 0;
    for await (const batch of leadBatches(api, mapping, since)) {
      await store(batch.leads, movesCursor ? batch.modifiedUpTo : null);
      total = Math.max(total, batch.total);
      await request.onProgress?.({ read: summary.read, total, upTo: batch.modifiedUpTo });
      checkAllowance();
    }
    // Every pass is done: a deletion newer than any Lead read is covered too, so the next
    // sync need not read back to the last changed Lead.
    const deletedUpTo = removed.modifiedUpTo;
    if (movesCursor && deletedUpTo && deletedUpTo > (summary.cursor ?? new Date(0))) {
      await recordBatchStored(db, request.slackTeamId, {
        cursor: deletedUpTo,
        read: 0,
        refused: 0,
      });
      summary.cursor = deletedUpTo;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: message });
    if (error instanceof SalesforceError)
      return {
        ...no(
          `${message} Records stored before this stay stored; the next sync resumes after them.`,
        ),
        // Under the floor on purpose: the admins are told once a day, not counted as failing.
        ...(error.code === "DAILY_FLOOR" ? { reason: "daily-allowance" as const } : {}),
      };
    throw error;
  }
  await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: null });
  return { ok: true, summary };
}

// --- Either CRM -----------------------------------------------------------------------------

/** Syncs the workspace's connected CRM, whichever it is. */
export async function syncConnection(
  database: Pick<Database, "db"> & LeadDatabase,
  deps: CrmDeps,
  request: SyncRequest,
): Promise<CrmResult<{ summary: SyncSummary; provider: CrmProvider }>> {
  const connection = await findConnection(database.db, request.slackTeamId);
  if (!connection) return no(notConnected(request.slackTeamId));
  const { provider } = connection;
  const result = await (provider === "salesforce"
    ? syncSalesforce(database, deps, request)
    : syncHubspot(database, deps, request));
  return result.ok ? { ...result, provider } : result;
}

/** Previews the workspace's connected CRM, whichever it is. */
export async function previewConnection(
  db: Db,
  deps: CrmDeps,
  request: { slackTeamId: string; timezone: string; limit: number },
): Promise<CrmResult<{ items: PreviewItem[]; provider: CrmProvider }>> {
  const connection = await findConnection(db, request.slackTeamId);
  if (!connection) return no(notConnected(request.slackTeamId));
  const { provider } = connection;
  const result = await (provider === "salesforce"
    ? previewSalesforce(db, deps, request)
    : previewHubspot(db, deps, request));
  return result.ok ? { ...result, provider } : result;
}
