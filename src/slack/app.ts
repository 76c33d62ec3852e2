// The Bolt app: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise. In HTTP mode our
// own HTTP server (src/http/server.ts) hands /slack/events to Bolt's request listener, so health
// checks, and later the calendar feed and ingest API, share one port in both modes.
import type { RequestListener } from "node:http";
import {
  App,
  HTTPReceiver,
  SocketModeReceiver,
  webApi,
  type Authorize,
  type Receiver,
} from "@slack/bolt";
import type { WebClient, WebClientOptions } from "@slack/web-api";
import { actorContext } from "./actor.js";
import {
  answerHttpFailure,
  answerSocketFailure,
  answerUnrouted,
  recordingRoutes,
  rejectMalformed,
  answerEveryEnvelope,
  answerEveryHttpRequest,
  answerUnacknowledged,
  SILENCE_DEADLINE_MS,
  type EnvelopeSource,
  type Routes,
} from "./answered.js";
import { countingSlackFetch } from "../metrics/slack-calls.js";
import { boltLogger } from "./bolt-logger.js";
import { CAPABILITIES } from "./capabilities.js";
import { removeStaleDownloads } from "./files.js";
import type { AppDeps } from "./deps.js";

export const SLACK_EVENTS_PATH = "/slack/events";

export { CAPABILITIES };

/**
 * Every Web API call gives up after 10 s, and the client retries a failed call at most twice
 * (about 35 s in all, under the scheduler's 60 s lease; scheduled work retries only a 429, see
 * retryOnlyRateLimited); the scheduler's own back-off takes over
 * from there (src/scheduler/retry-policy.ts). A rate-limited call (HTTP 429) is retried the same
 * way, once Slack's Retry-After has passed (the client pauses its queue meanwhile). Every call's
 * errors and 429s are counted by method (src/metrics/slack-calls.ts).
 */
export const SLACK_CALL_LIMITS = {
  timeout: 10_000,
  retryConfig: { retries: 2, factor: 2, minTimeout: 1_000, maxTimeout: 5_000, randomize: true },
  fetch: countingSlackFetch,
};

/**
 * The client's retry ends here unless Slack answered 429. A call that timed out, lost its
 * connection or met a 5xx may have been carried out all the same: a post sent again by the client
 * would be a second post. The scheduler retries those itself, first looking in the channel for the
 * post (src/scheduler/deliver-once.ts), so each scheduled message is posted once.
 */
export function retryOnlyRateLimited(error: Error): void {
  // The client's own wording for the 429 it has already waited out (@slack/web-api 7), which it
  // wraps in a request error.
  if (!error.message.includes("A rate limit was exceeded")) throw error;
}

/**
 * The client scheduled work posts with. Its posts are paced per channel (src/scheduler/pacing.ts)
 * so Slack rarely answers 429; when it does, the client waits out Retry-After and tries again.
 * Other failures go straight back to the scheduler (see retryOnlyRateLimited).
 */
export function scheduledWorkOptions(
  config: AppDeps["config"],
  logger: AppDeps["logger"],
): WebClientOptions {
  // The client hands retryConfig to p-retry whole; its type lists only the timing options.
  const retryConfig = { ...SLACK_CALL_LIMITS.retryConfig, onFailedAttempt: retryOnlyRateLimited };
  return {
    slackApiUrl: config.slack.apiUrl,
    logger: boltLogger(logger),
    ...SLACK_CALL_LIMITS,
    retryConfig,
  };
}

/** Single-workspace mode's client for scheduled work (OAuth mode: src/slack/clients.ts). */
export function scheduledWorkClient(
  config: AppDeps["config"],
  logger: AppDeps["logger"],
): WebClient {
  return new webApi.WebClient(config.slack.botToken, scheduledWorkOptions(config, logger));
}

export interface SlackApp {
  app: App;
  client: WebClient;
  /** Set in HTTP mode: handles signed requests from Slack at SLACK_EVENTS_PATH. */
  httpListener?: RequestListener;
  /** Connects (Socket Mode) or does nothing (HTTP mode: the HTTP server is ours). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** HTTP mode: always (Slack calls us). Socket Mode: while the WebSocket is up. */
  isConnected(): boolean;
  /** For /readyz: rejects when Slack cannot be reached (Socket Mode: the WebSocket is down). */
  checkReachable(): Promise<void>;
}

/** Who the bot is, from auth.test (see identifyBot). */
export interface BotIdentity {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  userName: string;
}

/**
 * Checks the bot token with auth.test. Done once, before Bolt starts: Bolt would otherwise call
 * auth.test itself in its constructor and leave a failure as an unhandled rejection.
 */
export async function identifyBot(
  config: AppDeps["config"],
  logger: AppDeps["logger"],
): Promise<BotIdentity> {
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: boltLogger(logger),
    // A few quick retries: a start that cannot reach Slack says so in seconds, not five minutes.
    retryConfig: { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 4_000 },
    timeout: 10_000,
    fetch: countingSlackFetch,
  });
  const result = await client.auth.test();
  if (!result.team_id || !result.user_id || !result.bot_id) {
    throw new Error("auth.test did not say which workspace and bot user this token belongs to");
  }
  return {
    teamId: result.team_id,
    teamName: result.team ?? result.team_id,
    botUserId: result.user_id,
    botId: result.bot_id,
    userName: result.user ?? "cadence",
  };
}

/** How long a reachability answer is reused: readiness probes every few seconds stay cheap. */
export const PROBE_EVERY_MS = 30_000;

/**
 * HTTP mode: Slack calls us, so only asking it says whether it is reachable. auth.test with its own
 * client (no retries, 2 s) at most every PROBE_EVERY_MS; the last answer is reused meanwhile.
 * OAuth mode has no one token to test: api.test, which needs none, says Slack answers.
 */
export function slackProbe(
  slack: { botToken?: string; apiUrl: string },
  now: () => number = Date.now,
): () => Promise<void> {
  const client = new webApi.WebClient(slack.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    timeout: 2_000,
    rejectRateLimitedCalls: true,
    fetch: countingSlackFetch,
  });
  let last: { at: number; answer: Promise<void> } | undefined;
  return () => {
    if (!last || now() - last.at >= PROBE_EVERY_MS) {
      const answer = (slack.botToken ? client.auth.test() : client.api.test()).then(
        () => undefined,
      );
      answer.catch(() => undefined);
      last = { at: now(), answer };
    }
    return last.answer;
  };
}

/**
 * Whose tokens Bolt acts with: the one bot (single-workspace mode), or each request's workspace's
 * installation (OAuth mode, src/slack/clients.ts).
 */
export type SlackAuth =
  { kind: "single"; identity: BotIdentity } | { kind: "installed"; authorize: Authorize<boolean> };

export function createSlackApp(deps: AppDeps, auth: SlackAuth): SlackApp {
  const { slack } = deps.config;
  const logger = boltLogger(deps.logger);
  const clientOptions = { slackApiUrl: slack.apiUrl, ...SLACK_CALL_LIMITS };
  let receiver: Receiver;
  let httpListener: RequestListener | undefined;
  let socketConnected = false;
  if (slack.appToken) {
    const socketReceiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      installerOptions: { clientOptions },
      processEventErrorHandler: answerSocketFailure(deps.logger),
    });
    // send() is private in the client's types, but it is how every ack leaves (SocketModeClient.js).
    answerEveryEnvelope(socketReceiver.client as unknown as EnvelopeSource, deps.logger);
    socketReceiver.client.on("connected", () => {
      socketConnected = true;
    });
    for (const state of ["disconnected", "reconnecting"]) {
      socketReceiver.client.on(state, () => {
        socketConnected = false;
      });
    }
    receiver = socketReceiver;
  } else {
    const httpReceiver = new HTTPReceiver({
      signingSecret: slack.signingSecret ?? "",
      endpoints: [SLACK_EVENTS_PATH],
      logger,
      processEventErrorHandler: answerHttpFailure(deps.logger),
      unhandledRequestHandler: answerUnacknowledged(deps.logger),
      unhandledRequestTimeoutMillis: SILENCE_DEADLINE_MS,
    });
    httpListener = answerEveryHttpRequest(httpReceiver.requestListener, deps.logger);
    receiver = httpReceiver;
  }
  const app = new App({
    ...(auth.kind === "single"
      ? { token: slack.botToken, botId: auth.identity.botId, botUserId: auth.identity.botUserId }
      : { authorize: auth.authorize }),
    tokenVerificationEnabled: false,
    // Cadence keeps no per-conversation state in Bolt; skipping its store saves work on every request.
    convoStore: false,
    receiver,
    logger,
    clientOptions,
  });
  app.error((error) => {
    deps.logger.error({ err: error }, "unhandled error in a Slack listener");
    return Promise.resolve();
  });

  const stale = removeStaleDownloads();
  if (stale.length)
    deps.logger.info({ removed: stale }, "removed downloads left by a killed process");
  const routes: Routes = { actions: [], views: [] };
  app.use(rejectMalformed(deps.logger));
  app.use(answerUnrouted(routes, deps.logger));
  app.use(actorContext(deps));
  const recording = recordingRoutes(app, routes);
  for (const capability of CAPABILITIES) capability.register(recording, deps);

  return {
    app,
    client: app.client,
    httpListener,
    async connect() {
      if (receiver instanceof SocketModeReceiver) await receiver.start();
    },
    isConnected: () => (receiver instanceof SocketModeReceiver ? socketConnected : true),
    checkReachable:
      receiver instanceof SocketModeReceiver
        ? () =>
            socketConnected
              ? Promise.resolve()
              : Promise.reject(new Error("Socket Mode is not connected"))
        : slackProbe(deps.config.slack),
    async disconnect() {
      if (receiver instanceof SocketModeReceiver) await receiver.stop();
    },
  };
}
