// A workspace's CRM connection, as stored: sealed credentials, validated settings, sync health.
import { z } from "zod";
import type { Db } from "../db/client.js";
import { HubspotMappingSchema } from "./hubspot/mapping.js";
import { SalesforceMappingSchema } from "./salesforce/mapping.js";

export const CRM_PROVIDERS = ["hubspot", "salesforce"] as const;
export type CrmProvider = (typeof CRM_PROVIDERS)[number];

/** A HubSpot connection's non-secret settings, stored as JSON. */
export const HubspotSettingsSchema = z.object({
  /** The API's base URL when the connection was made (HUBSPOT_API_URL). */
  baseUrl: z.url(),
  mapping: HubspotMappingSchema.prefault({}),
});
export type HubspotSettings = z.infer<typeof HubspotSettingsSchema>;

/** A Salesforce connection's non-secret settings, stored as JSON. */
export const SalesforceSettingsSchema = z.object({
  /** Where the connected app signs in: a My Domain URL, or a sandbox's. */
  baseUrl: z.url(),
  /** The org's instance, as Salesforce named it when the connection was made. */
  instanceUrl: z.url().nullable().default(null),
  mapping: SalesforceMappingSchema.prefault({}),
});
export type SalesforceSettings = z.infer<typeof SalesforceSettingsSchema>;

export type CrmSettings = HubspotSettings | SalesforceSettings;

interface CrmConnectionCommon {
  slackTeamId: string;
  credentials: string;
  syncCursor: Date | null;
  lastSyncStartedAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  recordsRead: number;
  recordsRefused: number;
  /** Scheduled syncs failed in a row, and when the first of them failed (./sync-notices.ts). */
  consecutiveFailures: number;
  failingSince: Date | null;
  /** The failingSince of the run of failures the admins were told about, until told it is over. */
  failureNoticeSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection as stored, its settings parsed by its provider's schema. */
export type CrmConnectionRow = CrmConnectionCommon &
  (
    | { provider: "hubspot"; settings: HubspotSettings }
    | { provider: "salesforce"; settings: SalesforceSettings }
  );

function parsed(
  row: Awaited<ReturnType<Db["crmConnection"]["findUnique"]>>,
): CrmConnectionRow | null {
  if (!row) return null;
  const provider = z.enum(CRM_PROVIDERS).parse(row.provider);
  return provider === "hubspot"
    ? { ...row, provider, settings: HubspotSettingsSchema.parse(row.settings) }
    : { ...row, provider, settings: SalesforceSettingsSchema.parse(row.settings) };
}

export async function findConnection(
  db: Db,
  slackTeamId: string,
): Promise<CrmConnectionRow | null> {
  return parsed(await db.crmConnection.findUnique({ where: { slackTeamId } }));
}

export async function allConnections(
  db: Db,
  options: { installedOnly?: boolean } = {},
): Promise<CrmConnectionRow[]> {
  const rows = await db.crmConnection.findMany({
    // The scheduled sync skips workspaces Cadence was uninstalled from.
    ...(options.installedOnly ? { where: { workspace: { uninstalledAt: null } } } : {}),
    orderBy: { slackTeamId: "asc" },
  });
  return rows.map((row) => parsed(row)!);
}

/** Connecting again replaces the credentials and settings and starts the sync over. */
export async function saveConnection(
  db: Db,
  connection: {
    slackTeamId: string;
    credentials: string;
  } & (
    | { provider: "hubspot"; settings: HubspotSettings }
    | { provider: "salesforce"; settings: SalesforceSettings }
  ),
): Promise<void> {
  const data = {
    provider: connection.provider,
    credentials: connection.credentials,
    settings: connection.settings,
    syncCursor: null,
    lastError: null,
    lastErrorAt: null,
  };
  await db.crmConnection.upsert({
    where: { slackTeamId: connection.slackTeamId },
    create: { slackTeamId: connection.slackTeamId, ...data },
    update: data,
  });
}

/** New settings (a new mapping) change what every record maps to: the next sync reads them all. */
export async function updateSettings(
  db: Db,
  slackTeamId: string,
  settings: CrmSettings,
): Promise<void> {
  await db.crmConnection.update({ where: { slackTeamId }, data: { settings, syncCursor: null } });
}

export async function deleteConnection(db: Db, slackTeamId: string): Promise<boolean> {
  const { count } = await db.crmConnection.deleteMany({ where: { slackTeamId } });
  return count > 0;
}

/** After a batch is stored: the cursor moves to what it covered (unless null), and its counts are added. */
export async function recordBatchStored(
  db: Db,
  slackTeamId: string,
  batch: { cursor: Date | null; read: number; refused: number },
): Promise<void> {
  await db.crmConnection.update({
    where: { slackTeamId },
    data: {
      ...(batch.cursor ? { syncCursor: batch.cursor } : {}),
      recordsRead: { increment: batch.read },
      recordsRefused: { increment: batch.refused },
    },
  });
}

export async function recordSyncStarted(db: Db, slackTeamId: string, at: Date): Promise<void> {
  await db.crmConnection.update({ where: { slackTeamId }, data: { lastSyncStartedAt: at } });
}

export async function recordSyncOutcome(
  db: Db,
  slackTeamId: string,
  outcome: { at: Date; error: string | null },
): Promise<void> {
  await db.crmConnection.updateMany({
    where: { slackTeamId },
    data: outcome.error
      ? { lastError: outcome.error, lastErrorAt: outcome.at }
      : { lastSuccessAt: outcome.at, lastError: null, lastErrorAt: null },
  });
}

/**
 * Removes the leads of records the CRM deleted, or merged into another (whose lead now counts
 * them). The lead write path (src/funnel/import.ts) only adds and updates, so removal is here.
 */
export async function forgetLeads(db: Db, slackTeamId: string, crmIds: string[]): Promise<number> {
  let removed = 0;
  for (let start = 0; start < crmIds.length; start += 500) {
    const { count } = await db.lead.deleteMany({
      where: { slackTeamId, crmId: { in: crmIds.slice(start, start + 500) } },
    });
    removed += count;
  }
  return removed;
}

/**
 * A scheduled sync's outcome, for the run of failures the admins are told about: a failure adds
 * one (the first sets when it started), a success ends the run.
 */
export async function recordScheduledSync(
  db: Db,
  slackTeamId: string,
  outcome: { at: Date; failed: boolean },
): Promise<void> {
  if (!outcome.failed) {
    await db.crmConnection.updateMany({
      where: { slackTeamId },
      data: { consecutiveFailures: 0, failingSince: null },
    });
    return;
  }
  await db.crmConnection.updateMany({
    where: { slackTeamId, failingSince: null },
    data: { failingSince: outcome.at },
  });
  await db.crmConnection.updateMany({
    where: { slackTeamId },
    data: { consecutiveFailures: { increment: 1 } },
  });
}

/** The admins were told of the run of failures that started then (null: told it is over). */
export async function recordFailureNotice(
  db: Db,
  slackTeamId: string,
  change: { from: Date | null; to: Date | null },
): Promise<void> {
  await db.crmConnection.updateMany({
    where: { slackTeamId, failureNoticeSince: change.from },
    data: { failureNoticeSince: change.to },
  });
}
