// Composition root: config -> logger -> database (migrated) -> Slack app -> HTTP server -> connect.
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { createHttpServer } from "./http/server.js";
import type { Logger } from "./logger.js";
import { createSlackApp, SLACK_EVENTS_PATH } from "./slack/app.js";
import { recordWorkspace } from "./workspaces/service.js";

export interface RunningCadence {
  /** The port the HTTP server listens on (useful with PORT=0). */
  port: number;
  database: Database;
  stop(): Promise<void>;
}

export class SlackAuthError extends Error {
  override name = "SlackAuthError";
}

export async function startCadence(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningCadence> {
  const migrations = await migrateDatabase(config.databaseUrl);
  logger.info(
    { applied: migrations.applied, alreadyApplied: migrations.alreadyApplied.length },
    migrations.applied.length ? "database migrated" : "database schema up to date",
  );
  const database = openDatabase(config.databaseUrl);
  const slack = createSlackApp({ config, logger, db: database.db, clock });
  let slackAuthenticated = false;

  const server = createHttpServer({
    logger,
    readiness: [
      { name: "database", check: () => database.ping() },
      {
        name: "slack",
        check: async () => {
          if (!slackAuthenticated) throw new Error("not authenticated with Slack yet");
        },
      },
    ],
    slack: slack.httpListener
      ? { path: SLACK_EVENTS_PATH, listener: slack.httpListener }
      : undefined,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const stop = async () => {
    await slack
      .disconnect()
      .catch((error: unknown) => logger.warn({ err: error }, "Slack disconnect failed"));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  };

  try {
    const identity = await slack.client.auth.test();
    if (!identity.team_id || !identity.user_id)
      throw new SlackAuthError("auth.test returned no team or user");
    await recordWorkspace(
      database.db,
      {
        slackTeamId: identity.team_id,
        name: identity.team ?? identity.team_id,
        botUserId: identity.user_id,
      },
      config.defaultTimezone,
    );
    slackAuthenticated = true;
    logger.info(
      {
        team: identity.team,
        teamId: identity.team_id,
        botUserId: identity.user_id,
        mode: config.slack.mode,
      },
      `connected to Slack as @${identity.user ?? "cadence"} in ${identity.team ?? identity.team_id}`,
    );
    await slack.connect();
  } catch (error) {
    await stop();
    const code = (error as { data?: { error?: string } }).data?.error;
    if (
      code === "invalid_auth" ||
      code === "not_authed" ||
      code === "account_inactive" ||
      code === "token_revoked"
    ) {
      throw new SlackAuthError(
        `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`,
      );
    }
    throw error;
  }
  logger.info({ port, mode: config.slack.mode }, `Cadence is running (HTTP on port ${port})`);
  return { port, database, stop };
}
