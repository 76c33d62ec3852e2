// Composition root: config -> logger -> database (migrated) -> Slack app -> HTTP server -> connect.
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { closeHttpServer, createHttpServer } from "./http/server.js";
import type { Logger } from "./logger.js";
import { collectProcessMetrics } from "./metrics/registry.js";
import {
  createSlackApp,
  identifyBot,
  scheduledWorkClient,
  scheduledWorkOptions,
  SLACK_CALL_LIMITS,
  SLACK_EVENTS_PATH,
  type BotIdentity,
  type SlackAuth,
} from "./slack/app.js";
import { boltLogger } from "./slack/bolt-logger.js";
import { installedClients, singleWorkspaceClients, type SlackClients } from "./slack/clients.js";
import { createInstaller, installRoutes } from "./installations/installer.js";
import {
  installed,
  purgeExpiredWorkspaces,
  workspaceArrived,
  type InstallDeps,
} from "./installations/service.js";
import { setUpWorkspaceCadences } from "./cadences/onboarding.js";
import { calendarRoute } from "./calendar/route.js";
import { SUMMARY_TIMEOUT_MS } from "./feedback/collection.js";
import { ingestRoute } from "./funnel/route.js";
import { fireDueCadences, type FiringDeps } from "./cadences/firing.js";
import { FIRING_HANDLERS } from "./cadences/handlers.js";
import {
  escalateOverdueOccurrences,
  noticeUnassignedCadences,
  sendCoverNotices,
  sendDueReminders,
} from "./cadences/notices.js";
import { earliestNextDueAt } from "./cadences/store.js";
import { runFeedbackDuties } from "./feedback/collection-steps.js";
import { runDiagnosticDuties } from "./diagnostic/steps.js";
import { sendDueSlaSteps } from "./sla/watch.js";
import { CrmCredentialsError, crmCredentialsProblem } from "./crm/service.js";
import { crmSyncDuty } from "./crm/sync-duty.js";
import { putDueVersionsInForce } from "./definitions/service.js";
import { postQuarterEndScorecards } from "./reviews/qbr-post.js";
import { createWorkPool } from "./scheduler/pool.js";
import { DEFAULT_RETRY_POLICY } from "./scheduler/retry-policy.js";
import {
  replicaName,
  startScheduler,
  type DutyList,
  type Scheduler,
} from "./scheduler/scheduler.js";
import { recordWorkspace } from "./workspaces/service.js";
import { findWorkspace } from "./workspaces/store.js";

/** An occurrence posted more than this after its due time says it is late. */
const LATE_AFTER_MS = 2 * 60_000;
/** Deliveries in flight at once per replica (posts, reminders, escalations, notices). */
export const DELIVERY_CONCURRENCY = 16;
/** On SIGTERM, how long work under way (deliveries, a sync, HTTP requests) may take to finish. */
export const SHUTDOWN_GRACE_MS = 4_000;

/**
 * The scheduler's duties, by name (the scheduler imports none of them). Later capabilities (CRM
 * sync, SLA checks) register here the same way.
 */
export function registerDuties(
  deps: FiringDeps,
  workspaceRetentionMs = DEFAULT_RETENTION_MS,
): DutyList {
  return {
    "cadences.fire": () => fireDueCadences(deps, FIRING_HANDLERS),
    "cadences.remind": () => sendDueReminders(deps),
    "cadences.escalate": () => escalateOverdueOccurrences(deps),
    "cadences.unassigned": () => noticeUnassignedCadences(deps),
    "cadences.cover": () => sendCoverNotices(deps),
    "feedback.steps": () => runFeedbackDuties(deps),
    "diagnostic.steps": () => runDiagnosticDuties(deps),
    "definitions.in-force": () => putDueVersionsInForce(deps).then(() => undefined),
    "reviews.quarter-end": () => postQuarterEndScorecards(deps).then(() => undefined),
    "sla.watch": () => sendDueSlaSteps(deps),
    "workspaces.purge": () => purgeExpiredWorkspaces(deps, workspaceRetentionMs),
  };
}

const DEFAULT_RETENTION_MS = 30 * 86_400_000;

export interface RunningCadence {
  /** The port the HTTP server listens on (useful with PORT=0). */
  port: number;
  database: Database;
  /** The Slack client for each workspace (src/slack/clients.ts). */
  clients: SlackClients;
  scheduler: Scheduler | null;
  stop(): Promise<void>;
}

export class SlackAuthError extends Error {
  override name = "SlackAuthError";
}

/** auth.test errors that mean the token itself is wrong, not that Slack is unreachable. */
const REFUSED_TOKEN_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** The network error code under a Web API request error (ECONNREFUSED, ENOTFOUND, …). */
function networkCause(error: unknown): string {
  type Cause = { code?: unknown; message?: unknown; cause?: Cause; errors?: Cause[] };
  const seen: Cause[] = [];
  for (let at = (error as Cause).cause ?? (error as { original?: Cause }).original; at;) {
    seen.push(at);
    at = at.cause ?? at.errors?.[0];
  }
  const code = seen.map((c) => c.code).find((c) => typeof c === "string" && /^E[A-Z_]+$/.test(c));
  const message = seen.at(-1)?.message;
  return (code as string | undefined) ?? (typeof message === "string" ? message : "no answer");
}

/** Resolves with `work`, or after the shutdown grace period, whichever comes first. */
async function withinGrace(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
  ]).finally(() => clearTimeout(timer));
}

/** What the scheduler's duties work with; tests build theirs here too, with their own clock. */
export function schedulerDeps(
  config: Config,
  database: Database,
  clients: SlackClients,
  clock: Clock,
  logger: Logger,
  owner: string,
  summaryTimeoutMs = SUMMARY_TIMEOUT_MS,
): FiringDeps {
  return {
    db: database.db,
    provider: database.provider,
    summary: {
      apiKey: config.openai.apiKey,
      baseUrl: config.openai.baseUrl,
      model: config.openai.model,
      timeoutMs: summaryTimeoutMs,
    },
    slack: clients,
    clock,
    logger: logger.child({ component: "scheduler" }),
    owner,
    // Posts to one channel (or one person) start apart, at Slack's pace (pacing.ts).
    pool: createWorkPool(DELIVERY_CONCURRENCY, { laneIntervalMs: config.scheduler.postIntervalMs }),
    policy: {
      leaseMs: config.scheduler.leaseMs,
      catchUpWindowMs: config.scheduler.catchUpWindowMs,
      lateAfterMs: LATE_AFTER_MS,
      retry: DEFAULT_RETRY_POLICY,
    },
  };
}

/** Single-workspace mode: who SLACK_BOT_TOKEN acts as, or a SlackAuthError saying what to fix. */
function checkBotToken(config: Config, logger: Logger): Promise<BotIdentity> {
  return identifyBot(config, logger).catch((error: unknown) => {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && REFUSED_TOKEN_ERRORS.has(code)) {
      throw new SlackAuthError(
        `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`,
      );
    }
    if ((error as { code?: string }).code === "slack_webapi_request_error") {
      throw new SlackAuthError(
        `Slack cannot be reached at ${config.slack.apiUrl} (${networkCause(error)}). Check this machine's network, proxy and firewall, and SLACK_API_URL.`,
      );
    }
    throw error;
  });
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
  // OAuth mode has no token of its own: each workspace's comes with its installation.
  const identity = config.slack.oauth ? null : await checkBotToken(config, logger);
  const database = openDatabase(config.databaseUrl);
  await database.configure();
  // Stored CRM credentials that cannot be opened would fail every sync: stop now, in one line.
  const crmProblem = await crmCredentialsProblem(
    database.db,
    config.crm.encryptionKey,
    config.crm.previousKeys,
  );
  if (crmProblem) {
    await database.close();
    throw new CrmCredentialsError(crmProblem);
  }
  const installDeps: InstallDeps = {
    db: database.db,
    clock,
    logger,
    clients: { forWorkspace: () => Promise.resolve(null) },
    defaultTimezone: config.defaultTimezone,
  };
  let auth: SlackAuth;
  const routes = [calendarRoute({ db: database.db, clock }), ingestRoute({ database, clock })];
  if (identity) {
    await recordWorkspace(
      database.db,
      { slackTeamId: identity.teamId, name: identity.teamName, botUserId: identity.botUserId },
      config.defaultTimezone,
    );
    logger.info(
      {
        team: identity.teamName,
        teamId: identity.teamId,
        botUserId: identity.botUserId,
        mode: config.slack.mode,
      },
      `connected to Slack as @${identity.userName} in ${identity.teamName}`,
    );
    installDeps.clients = singleWorkspaceClients(database.db, scheduledWorkClient(config, logger));
    auth = { kind: "single", identity };
  } else {
    const installer = createInstaller(
      config,
      database.db,
      { current: config.crm.encryptionKey!, previous: config.crm.previousKeys },
      logger,
      { slackApiUrl: config.slack.apiUrl, logger: boltLogger(logger), ...SLACK_CALL_LIMITS },
    );
    const clients = installedClients({
      db: database.db,
      installer,
      logger,
      clientOptions: scheduledWorkOptions(config, logger),
      onAuthorized: async (result) => {
        if (result.enterpriseId && result.teamId && result.botUserId)
          await workspaceArrived(installDeps, {
            slackTeamId: result.teamId,
            enterpriseId: result.enterpriseId,
            botUserId: result.botUserId,
          });
      },
    });
    installDeps.clients = clients;
    auth = { kind: "installed", authorize: clients.authorize };
    routes.push(
      ...installRoutes(installer, logger, (installation) => installed(installDeps, installation)),
    );
    logger.info(
      { mode: config.slack.mode },
      "installs by OAuth: workspaces add Cadence at /slack/install",
    );
  }
  const clients = installDeps.clients;

  const scheduleChanged = { notify: () => undefined as void };
  const slack = createSlackApp(
    {
      config,
      logger,
      db: database.db,
      database,
      clock,
      onScheduleChanged: () => scheduleChanged.notify(),
    },
    auth,
  );
  if (identity)
    await setUpWorkspaceCadences(
      { db: database.db, clock, logger, slack: slack.client, adminUserIds: config.adminUserIds },
      identity.teamId,
      (await findWorkspace(database.db, identity.teamId))?.timezone ?? config.defaultTimezone,
    );
  const server = createHttpServer({
    logger,
    readiness: [
      { name: "database", check: () => database.ping() },
      { name: "slack", check: () => slack.checkReachable() },
    ],
    routes,
    slack: slack.httpListener
      ? { path: SLACK_EVENTS_PATH, listener: slack.httpListener }
      : undefined,
    metrics: { token: config.http.metricsToken },
  });
  collectProcessMetrics();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const firing = schedulerDeps(config, database, clients, clock, logger, replicaName());
  // The CRM sync needs the database's driver and the encryption key, beyond the firing deps.
  const crmSync = crmSyncDuty({
    database,
    config: config.crm,
    clock,
    logger: logger.child({ component: "crm-sync" }),
    owner: firing.owner,
    // Its notices to the admins go through the same delivery as the other duties' posts.
    notices: { delivery: firing, adminUserIds: config.adminUserIds },
  });
  const duties = {
    ...registerDuties(firing, config.workspaceRetentionMs),
    "crm.sync": crmSync.duty,
  };
  const scheduler = config.scheduler.enabled
    ? startScheduler(firing, duties, {
        sweepIntervalSeconds: config.scheduler.sweepIntervalSeconds,
        nextWakeUp: () => earliestNextDueAt(database.db),
        shutdownGraceMs: SHUTDOWN_GRACE_MS,
        besideSweep: () => crmSync.idle(),
      })
    : null;
  scheduleChanged.notify = () => void scheduler?.reload();

  // Takes no new work (no claims, connections or envelopes), lets what is under way finish for
  // the grace period, gives back the claims of what is not, then closes the database.
  const stop = async () => {
    await Promise.all([
      scheduler?.stop(),
      closeHttpServer(server, SHUTDOWN_GRACE_MS),
      withinGrace(slack.disconnect()).catch((error: unknown) =>
        logger.warn({ err: error }, "Slack disconnect failed"),
      ),
    ]);
    await database.close();
  };
  try {
    await slack.connect();
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ port, mode: config.slack.mode }, `Cadence is running (HTTP on port ${port})`);
  return { port, database, clients, scheduler, stop };
}
