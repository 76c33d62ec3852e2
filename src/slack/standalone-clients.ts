// Slack clients for commands outside `cadence start` (the CLI), in either mode: the same look-up
// as the running app's (./clients.ts), without Bolt. Apart from ./clients.ts so that it, which
// listeners and duties import, does not import the Slack app.
import { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { createInstaller } from "../installations/installer.js";
import { scheduledWorkOptions } from "./app.js";
import { installedClients, singleWorkspaceClients, type SlackClients } from "./clients.js";

/** For commands outside `cadence start` (the CLI): the same look-up, in either mode. */
export function standaloneClients(config: Config, db: Db, logger: Logger): SlackClients {
  const clientOptions = scheduledWorkOptions(config, logger);
  const oauth = config.slack.oauth;
  const key = config.crm.encryptionKey;
  if (!oauth || !key)
    return singleWorkspaceClients(db, new WebClient(config.slack.botToken, clientOptions));
  const keys = { current: key, previous: config.crm.previousKeys };
  const installer = createInstaller(config, db, keys, logger, clientOptions);
  return installedClients({ db, installer, logger, clientOptions });
}
