// A workspace's CRM connection, as stored: sealed credentials, validated settings, sync health.
import { z } from "zod";
import type { Db } from "../db/client.js";
import { HubspotMappingSchema } from "./hubspot/mapping.js";

export const CRM_PROVIDERS = ["hubspot", "salesforce"] as const;
export type CrmProvider = (typeof CRM_PROVIDERS)[number];

/** The non-secret settings of a connection, stored as JSON. */
export const CrmSettingsSchema = z.object({
  /** The API's base URL when the connection was made (HUBSPOT_API_URL). */
  baseUrl: z.url(),
  mapping: HubspotMappingSchema.prefault({}),
});
export type CrmSettings = z.infer<typeof CrmSettingsSchema>;

export interface CrmConnectionRow {
  slackTeamId: string;
  provider: CrmProvider;
  credentials: string;
  settings: CrmSettings;
  syncCursor: Date | null;
  lastSyncStartedAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  recordsRead: number;
  recordsRefused: number;
  createdAt: Date;
  updatedAt: Date;
}

function parsed(
  row: Awaited<ReturnType<Db["crmConnection"]["findUnique"]>>,
): CrmConnectionRow | null {
  if (!row) return null;
  return {
    ...row,
    provider: z.enum(CRM_PROVIDERS).parse(row.provider),
    settings: CrmSettingsSchema.parse(row.settings),
  };
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
    provider: CrmProvider;
    credentials: string;
    settings: CrmSettings;
  },
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
 * Removes the leads of contacts the CRM deleted, or merged into another (whose lead now counts
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
