// `cadence keys rotate`: every sealed secret (CRM credentials, Slack bot and refresh tokens) is
// sealed again with CADENCE_ENCRYPTION_KEY, opening the old ones with the keys listed in
// CADENCE_PREVIOUS_ENCRYPTION_KEYS. Idempotent: a secret already under the current key is left,
// so an interrupted rotation is finished by running it again.
import type { Db } from "../db/client.js";
import { resealSecret, type EncryptionKey } from "./secrets.js";

export interface RotationReport {
  resealed: number;
  alreadyCurrent: number;
}

export async function rotateKeys(
  db: Db,
  current: EncryptionKey,
  previous: readonly EncryptionKey[],
): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyCurrent: 0 };
  const count = (changed: boolean) => {
    if (changed) report.resealed += 1;
    else report.alreadyCurrent += 1;
  };
  for (const connection of await db.crmConnection.findMany()) {
    const credentials = resealSecret(connection.credentials, current, previous);
    if (credentials)
      // Compared with what was read: credentials changed meanwhile are left for the next run.
      await db.crmConnection.updateMany({
        where: { slackTeamId: connection.slackTeamId, credentials: connection.credentials },
        data: { credentials },
      });
    count(Boolean(credentials));
  }
  for (const row of await db.slackInstallation.findMany()) {
    const botToken = resealSecret(row.botToken, current, previous);
    const botRefreshToken = row.botRefreshToken
      ? resealSecret(row.botRefreshToken, current, previous)
      : null;
    if (botToken || botRefreshToken)
      // A token refreshed meanwhile is already sealed with the current key: left as it is.
      await db.slackInstallation.updateMany({
        where: { id: row.id, botToken: row.botToken },
        data: {
          ...(botToken ? { botToken } : {}),
          ...(botRefreshToken ? { botRefreshToken } : {}),
        },
      });
    count(Boolean(botToken || botRefreshToken));
  }
  return report;
}
