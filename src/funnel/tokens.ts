// Ingest API tokens: created from the CLI, shown once, stored as a hash, revocable.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";

const PREFIX = "cad_";

export const hashApiToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  db: Db,
  slackTeamId: string,
  label: string,
): Promise<{ id: string; token: string }> {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await db.apiToken.create({
    data: { slackTeamId, label, tokenHash: hashApiToken(token) },
  });
  return { id: row.id, token };
}

export async function revokeApiToken(db: Db, id: string, now: Date): Promise<boolean> {
  const { count } = await db.apiToken.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: now },
  });
  return count === 1;
}

export function listApiTokens(db: Db) {
  return db.apiToken.findMany({ orderBy: { createdAt: "asc" } });
}

/** The workspace a bearer token writes to, or null for an unknown or revoked token. */
export async function workspaceOfToken(db: Db, token: string, now: Date): Promise<string | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    include: { workspace: { select: { uninstalledAt: true } } },
  });
  // A workspace Cadence was uninstalled from takes no more data until it is installed again.
  if (!row || row.revokedAt || row.workspace.uninstalledAt) return null;
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return row.slackTeamId;
}
