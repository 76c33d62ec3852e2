// The CRM use cases, shared by the CLI and the scheduler: connect (verify, then store the token
// sealed), status, disconnect, preview and sync. HubSpot records become lead records through the
// same validation and the same write path as a CSV import (src/funnel/import.ts): one code path
// for every source.
import type { CrmConfig } from "../config.js";
import { openSecret, sealSecret, SecretsError, type EncryptionKey } from "../crypto/secrets.js";
import type { Database, Db } from "../db/client.js";
import type { LeadDatabase } from "../funnel/bulk-writer.js";
import { importLeads } from "../funnel/import.js";
import { arraySource } from "../funnel/records.js";
import { leadInputSchema, parseLead, type ParsedLead } from "../funnel/rules.js";
import {
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
  allConnections,
  CrmSettingsSchema,
  deleteConnection,
  findConnection,
  forgetLeads,
  recordBatchStored,
  recordSyncOutcome,
  recordSyncStarted,
  saveConnection,
  updateSettings,
  type CrmConnectionRow,
} from "./store.js";

export type CrmResult<T extends object = object> =
  ({ ok: true } & T) | { ok: false; message: string };

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
    settings: CrmSettingsSchema.parse({
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

/**
 * An incremental sync re-reads this much before its cursor: HubSpot's search index can show a
 * change a little after a later one, and a re-read record that did not change writes nothing.
 */
export const CURSOR_OVERLAP_MS = 5 * 60_000;

export async function syncHubspot(
  // The scheduler passes its Database; `/cadence crm sync` the app's db and lead database.
  database: Pick<Database, "db"> & LeadDatabase,
  deps: CrmDeps,
  request: {
    slackTeamId: string;
    timezone: string;
    /** Read contacts modified since then; by default, since the cursor (everything the first time). */
    since?: Date;
    now: () => Date;
    /** After each stored batch; awaited. */
    onProgress?: (progress: { read: number; total: number; upTo: Date }) => void | Promise<void>;
  },
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
      if (short) throw new HubspotError(short, null);
    }
    // Deleted contacts leave no change to search for: HubSpot lists them apart.
    summary.removed += await forgetLeads(db, request.slackTeamId, await api.archivedContactIds());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncOutcome(db, request.slackTeamId, { at: request.now(), error: message });
    if (error instanceof HubspotError)
      return no(
        `${message} Records stored before this stay stored; the next sync resumes after them.`,
      );
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

/** The workspace's mapping as stored, every default filled in. */
export async function hubspotMapping(
  db: Db,
  slackTeamId: string,
): Promise<CrmResult<{ mapping: HubspotMapping }>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection) return no(notConnected(slackTeamId));
  return { ok: true, mapping: connection.settings.mapping };
}

/** Replaces the mapping with `input` (parsed JSON), or says what is wrong with it; all or nothing. */
export async function setHubspotMapping(
  db: Db,
  slackTeamId: string,
  input: unknown,
): Promise<CrmResult<{ mapping: HubspotMapping }>> {
  const connection = await findConnection(db, slackTeamId);
  if (!connection) return no(notConnected(slackTeamId));
  const parsed = HubspotMappingSchema.safeParse(input);
  if (!parsed.success)
    return no(
      `The mapping was not changed: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(the file)"} ${issue.message}`)
        .join("; ")}.`,
    );
  await updateSettings(db, slackTeamId, { ...connection.settings, mapping: parsed.data });
  return { ok: true, mapping: parsed.data };
}

const notConnected = (slackTeamId: string) =>
  `No CRM is connected for ${slackTeamId}: run \`cadence crm connect hubspot\` first.`;
