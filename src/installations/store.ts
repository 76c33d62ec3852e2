// The installation store of OAuth mode: Bolt's InstallationStore over the SlackInstallation table,
// with every token sealed (src/crypto/secrets.ts). It only persists; what an install or an
// uninstall means for a workspace is decided in ./service.ts.
import type { Installation, InstallationStore } from "@slack/oauth";
import type { Db } from "../db/client.js";
import { openSecret, sealSecret, type EncryptionKey } from "../crypto/secrets.js";

export interface Keys {
  current: EncryptionKey;
  previous: readonly EncryptionKey[];
}

/** Why no installation answers a query: Bolt drops the request, scheduled work skips the team. */
export class NoInstallationError extends Error {
  override name = "NoInstallationError";
}

/** The row id: an org-wide install is one row for the org, any other install one per workspace. */
export function installationId(query: {
  isEnterpriseInstall: boolean;
  enterpriseId?: string;
  teamId?: string;
}): string {
  if (query.isEnterpriseInstall) {
    if (!query.enterpriseId) throw new NoInstallationError("an org-wide install without its org");
    return `E:${query.enterpriseId}`;
  }
  if (!query.teamId) throw new NoInstallationError("an install without its workspace");
  return `T:${query.teamId}`;
}

const secondsToDate = (seconds: number | undefined) =>
  seconds === undefined ? null : new Date(seconds * 1000);

export function databaseInstallationStore(db: Db, keys: Keys): InstallationStore {
  return {
    async storeInstallation(installation) {
      const bot = installation.bot;
      if (!bot) throw new Error("Slack returned no bot token: the app must request bot scopes");
      const id = installationId({
        isEnterpriseInstall: Boolean(installation.isEnterpriseInstall),
        enterpriseId: installation.enterprise?.id,
        teamId: installation.team?.id,
      });
      const fields = {
        enterpriseId: installation.enterprise?.id ?? null,
        teamId: installation.team?.id ?? null,
        isEnterpriseInstall: Boolean(installation.isEnterpriseInstall),
        teamName: installation.team?.name ?? null,
        enterpriseName: installation.enterprise?.name ?? null,
        appId: installation.appId ?? null,
        botId: bot.id,
        botUserId: bot.userId,
        botScopes: bot.scopes.join(","),
        botToken: sealSecret(bot.token, keys.current),
        botRefreshToken: bot.refreshToken ? sealSecret(bot.refreshToken, keys.current) : null,
        botTokenExpiresAt: secondsToDate(bot.expiresAt),
        installerUserId: installation.user.id,
      };
      await db.slackInstallation.upsert({
        where: { id },
        create: { id, ...fields },
        update: fields,
      });
    },

    async fetchInstallation(query) {
      // A workspace of an org-wide install has no row of its own: its org's row answers.
      const ids = [installationId(query)];
      if (!query.isEnterpriseInstall && query.enterpriseId) ids.push(`E:${query.enterpriseId}`);
      const rows = await db.slackInstallation.findMany({ where: { id: { in: ids } } });
      const row = ids.map((id) => rows.find((r) => r.id === id)).find(Boolean);
      if (!row) throw new NoInstallationError(`no installation for ${ids.join(" or ")}`);
      const open = (sealed: string) => openSecret(sealed, keys.current, keys.previous);
      const installation: Installation = {
        team: row.isEnterpriseInstall
          ? undefined
          : { id: row.teamId ?? "", ...(row.teamName ? { name: row.teamName } : {}) },
        enterprise: row.enterpriseId
          ? { id: row.enterpriseId, ...(row.enterpriseName ? { name: row.enterpriseName } : {}) }
          : undefined,
        user: { id: row.installerUserId, token: undefined, scopes: undefined },
        bot: {
          id: row.botId,
          userId: row.botUserId,
          scopes: row.botScopes ? row.botScopes.split(",") : [],
          token: open(row.botToken),
          ...(row.botRefreshToken ? { refreshToken: open(row.botRefreshToken) } : {}),
          ...(row.botTokenExpiresAt
            ? { expiresAt: Math.floor(row.botTokenExpiresAt.getTime() / 1000) }
            : {}),
        },
        ...(row.appId ? { appId: row.appId } : {}),
        tokenType: "bot",
        isEnterpriseInstall: row.isEnterpriseInstall,
        authVersion: "v2",
      };
      return installation;
    },

    async deleteInstallation(query) {
      await db.slackInstallation.deleteMany({ where: { id: installationId(query) } });
    },
  };
}
