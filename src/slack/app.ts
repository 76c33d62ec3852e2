// The Bolt app: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise. In HTTP mode our
// own HTTP server (src/http/server.ts) hands /slack/events to Bolt's request listener, so health
// checks, and later the calendar feed and ingest API, share one port in both modes.
import type { RequestListener } from "node:http";
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import * as help from "../help/listeners.js";
import * as home from "../home/listeners.js";
import * as workspaces from "../workspaces/listeners.js";
import { boltLogger } from "./bolt-logger.js";
import type { AppDeps } from "./deps.js";

export const SLACK_EVENTS_PATH = "/slack/events";

export interface SlackApp {
  app: App;
  client: WebClient;
  /** Set in HTTP mode: handles signed requests from Slack at SLACK_EVENTS_PATH. */
  httpListener?: RequestListener;
  /** Connects (Socket Mode) or does nothing (HTTP mode: the HTTP server is ours). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export function createSlackApp(deps: AppDeps): SlackApp {
  const { slack } = deps.config;
  const logger = boltLogger(deps.logger);
  const clientOptions = { slackApiUrl: slack.apiUrl };
  let receiver: Receiver;
  let httpListener: RequestListener | undefined;
  if (slack.appToken) {
    receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      installerOptions: { clientOptions },
    });
  } else {
    const httpReceiver = new HTTPReceiver({
      signingSecret: slack.signingSecret ?? "",
      endpoints: [SLACK_EVENTS_PATH],
      logger,
    });
    httpListener = httpReceiver.requestListener;
    receiver = httpReceiver;
  }
  const app = new App({ token: slack.botToken, receiver, logger, clientOptions });
  app.error(async (error) => {
    deps.logger.error({ err: error }, "unhandled error in a Slack listener");
  });

  for (const capability of [help, home, workspaces]) capability.register(app, deps);

  return {
    app,
    client: app.client,
    httpListener,
    async connect() {
      if (receiver instanceof SocketModeReceiver) await receiver.start();
    },
    async disconnect() {
      if (receiver instanceof SocketModeReceiver) await receiver.stop();
    },
  };
}
