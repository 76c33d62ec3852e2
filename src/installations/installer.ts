// OAuth mode's InstallProvider (@slack/oauth): /slack/install sends the person to Slack's consent
// page with a state (stored, see ./state-store.ts, and in a cookie for this browser), and
// /slack/oauth_redirect exchanges the code with oauth.v2.access and stores the installation. Both
// are routes of our own HTTP server, so installs work the same in HTTP mode and Socket Mode.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InstallProvider, type Installation } from "@slack/oauth";
import type { WebClientOptions } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { HttpRoute } from "../http/server.js";
import type { Logger } from "../logger.js";
import { boltLogger } from "../slack/bolt-logger.js";
import { databaseStateStore } from "./state-store.js";
import { databaseInstallationStore, type Keys } from "./store.js";

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";

/** The bot scopes asked for at install; the same list as manifests/slack-app.yaml (a test checks). */
export const BOT_SCOPES = [
  "commands",
  "chat:write",
  "chat:write.public",
  "im:write",
  "im:read",
  "im:history",
  "users:read",
  "users:read.email",
  "usergroups:read",
  "channels:read",
  "channels:history",
  "groups:read",
  "groups:history",
  "files:read",
  "files:write",
  "team:read",
];

export function createInstaller(
  config: Config,
  db: Db,
  keys: Keys,
  logger: Logger,
  clientOptions: WebClientOptions,
): InstallProvider {
  const oauth = config.slack.oauth;
  if (!oauth) throw new Error("createInstaller is for OAuth mode");
  return new InstallProvider({
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateStore: databaseStateStore(db, oauth.stateSecret),
    installationStore: databaseInstallationStore(db, keys),
    // /slack/install redirects at once; the state is also set in a cookie for the browser.
    directInstall: true,
    stateVerification: true,
    installUrlOptions: {
      scopes: BOT_SCOPES,
      redirectUri: new URL(REDIRECT_PATH, config.http.publicUrl).toString(),
    },
    // https://slack.com/oauth/v2/authorize for SLACK_API_URL https://slack.com/api/.
    authorizationUrl: new URL("../oauth/v2/authorize", config.slack.apiUrl).toString(),
    logger: boltLogger(logger),
    clientOptions,
  });
}

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/** The two install routes of the HTTP server; `onInstalled` runs before the person is answered. */
export function installRoutes(
  installer: InstallProvider,
  logger: Logger,
  onInstalled: (installation: Installation) => Promise<void>,
): HttpRoute[] {
  return [
    {
      method: "GET",
      path: new RegExp(`^${INSTALL_PATH}$`),
      handle: (_match, res, req) => installer.handleInstallPath(req, res),
    },
    {
      method: "GET",
      path: new RegExp(`^${REDIRECT_PATH}$`),
      handle: (_match, res, req) =>
        installer.handleCallback(req, res, {
          successAsync: async (installation, _options, _req, response: ServerResponse) => {
            await onInstalled(installation);
            response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            response.end(
              page(
                "Cadence is installed",
                "Open Slack and type <code>/cadence help</code> to start.",
              ),
            );
          },
          failureAsync: (error, _options, _req: IncomingMessage, response: ServerResponse) => {
            // The code alone: Slack's message can carry request details, never shown or logged whole.
            logger.warn({ code: error.code }, "a Slack install did not complete");
            response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
            response.end(
              page(
                "Cadence was not installed",
                "The install link expired or was already used. Start again from the install page.",
              ),
            );
            return Promise.resolve();
          },
        }),
    },
  ];
}
