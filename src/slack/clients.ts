// The one place a Slack client for a workspace comes from, in both modes. Single-workspace mode:
// the bot token from SLACK_BOT_TOKEN. OAuth mode: the workspace's installation (its own, or its
// Enterprise Grid org's), with its token refreshed first when it is about to expire, which also
// covers scheduled work that no incoming event triggers. An uninstalled workspace gets null, and
// whatever wanted to post skips it.
import type { Authorize, AuthorizeResult } from "@slack/bolt";
import type { InstallProvider } from "@slack/oauth";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { NoInstallationError } from "../installations/store.js";
import { findWorkspace } from "../workspaces/store.js";

export interface SlackClients {
  /**
   * The client that acts as the bot in this workspace, or null when Cadence is not installed there
   * (uninstalled, tokens revoked, or never installed in OAuth mode): skip the work then.
   */
  forWorkspace(slackTeamId: string): Promise<WebClient | null>;
}

/** Single-workspace mode: the one bot token, unless the app was uninstalled from the workspace. */
export function singleWorkspaceClients(db: Db, client: WebClient): SlackClients {
  return {
    async forWorkspace(slackTeamId) {
      const workspace = await findWorkspace(db, slackTeamId);
      return workspace?.uninstalledAt ? null : client;
    },
  };
}

export interface InstalledClients extends SlackClients {
  /** Bolt's authorize for incoming requests: the same look-up and refresh as forWorkspace. */
  authorize: Authorize<boolean>;
}

/**
 * OAuth mode. The InstallProvider's authorize reads the installation and, when the bot token
 * expires within two hours, refreshes it with oauth.v2.access (grant_type=refresh_token) and
 * stores the new pair; refreshes of one installation in this process share one call.
 */
export function installedClients(deps: {
  db: Db;
  installer: InstallProvider;
  logger: Logger;
  clientOptions: WebClientOptions;
  /** Runs for each request Bolt authorizes: a workspace of an org-wide install arrives this way. */
  onAuthorized?(result: AuthorizeResult): Promise<void>;
}): InstalledClients {
  const inFlight = new Map<string, Promise<AuthorizeResult>>();
  const clients = new Map<string, WebClient>();

  const authorizeOnce = (query: Parameters<InstallProvider["authorize"]>[0]) => {
    const key = `${query.enterpriseId ?? ""}/${query.isEnterpriseInstall ? "" : (query.teamId ?? "")}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = deps.installer.authorize(query).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  const clientFor = (token: string) => {
    let client = clients.get(token);
    if (!client) {
      // Tokens that rotated away are dropped: the map holds about one client per installation.
      if (clients.size > 1_000) clients.clear();
      client = new WebClient(token, deps.clientOptions);
      clients.set(token, client);
    }
    return client;
  };

  return {
    async forWorkspace(slackTeamId) {
      const workspace = await findWorkspace(deps.db, slackTeamId);
      if (!workspace || workspace.uninstalledAt) return null;
      try {
        const result = await authorizeOnce({
          teamId: slackTeamId,
          enterpriseId: workspace.enterpriseId ?? undefined,
          isEnterpriseInstall: false,
        });
        return result.botToken ? clientFor(result.botToken) : null;
      } catch (error) {
        if (isMissingInstallation(error)) return null;
        throw error;
      }
    },
    async authorize(source) {
      const result = await authorizeOnce({
        teamId: source.teamId,
        enterpriseId: source.enterpriseId,
        isEnterpriseInstall: source.isEnterpriseInstall,
      });
      await deps.onAuthorized?.({ ...result, teamId: result.teamId ?? source.teamId });
      return result;
    },
  };
}

/** The InstallProvider wraps a store's failure in an AuthorizationError with the cause kept. */
function isMissingInstallation(error: unknown): boolean {
  for (
    let at: unknown = error;
    at;
    at =
      (at as { original?: unknown; cause?: unknown }).original ?? (at as { cause?: unknown }).cause
  ) {
    if (at instanceof NoInstallationError) return true;
  }
  return false;
}
