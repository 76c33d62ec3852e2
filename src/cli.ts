#!/usr/bin/env node
// The `cadence` command. Each subcommand calls the same use cases as the Slack app.
// First, before any module that loads a native addon: refuse an unsupported Node.js.
import "./runtime/node-version.js";
import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { z } from "zod";
import { isValidTimezone } from "./cadences/recurrence.js";
import {
  ConfigError,
  loadConfig,
  loadCrmConfig,
  loadDatabaseUrl,
  loadRetentionMs,
} from "./config.js";
import { rotateKeys } from "./crypto/rotation.js";
import { SecretsError } from "./crypto/secrets.js";
import { purgeWorkspace, workspaceStates } from "./installations/service.js";
import { previewLines, statusLines, syncLines } from "./crm/report.js";
import { readSecret } from "./crm/secret-input.js";
import {
  connectHubspot,
  CrmCredentialsError,
  crmStatus,
  disconnectCrm,
  connectSalesforce,
  crmMapping,
  previewConnection,
  setCrmMapping,
  syncConnection,
} from "./crm/service.js";
import { openDatabase, type Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { databaseProblem } from "./db/problems.js";
import { postDigestNow, UnknownWorkspaceError, workspaceDigest } from "./digest/service.js";
import { digestText } from "./digest/views.js";
import { feedbackCsv, feedbackJson } from "./feedback/export.js";
import { notesOf } from "./feedback/store.js";
import { MergeInterrupted } from "./funnel/bulk-writer.js";
import { csvFile } from "./funnel/csv.js";
import { importLeads } from "./funnel/import.js";
import { importReport, progressBar } from "./funnel/report.js";
import { chooseWorkspace } from "./funnel/service.js";
import { createApiToken, listApiTokens, revokeApiToken } from "./funnel/tokens.js";
import { createLogger } from "./logger.js";
import { systemClock } from "./clock.js";
import { workspaceZone } from "./reviews/mql-pack.js";
import { buildQbrScorecard } from "./reviews/qbr.js";
import { qbrBlocks } from "./reviews/qbr-views.js";
import { reviewPack } from "./reviews/service.js";
import { blocksText } from "./reviews/views.js";
import { lastCompleteQuarter, QUARTER_PATTERN, quarterNamed } from "./reviews/window.js";

function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

/** A person-facing failure: the message, the exit code, no stack trace. */
function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

function explainConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    fail([
      "Cadence cannot start: its configuration is incomplete.",
      ...error.problems.map((problem) => `  - ${problem}`),
      "Set these in the environment or in a .env file (see .env.example and README.md, 'Connecting to Slack').",
    ]);
  }
  throw error;
}

/** Reads .env and the environment through `load`; a configuration problem ends the process. */
function configured<T>(load: () => T): T {
  loadDotEnv();
  try {
    return load();
  } catch (error) {
    explainConfigError(error);
  }
}

const program = new Command()
  .name("cadence")
  .description("Cadence: the operating rhythm of a B2B revenue team, inside Slack.")
  .showHelpAfterError();

/** `cadence start` exits within this after SIGTERM, even while Slack hangs. */
const SHUTDOWN_DEADLINE_MS = 8_000;

program
  .command("start")
  .description(
    "migrate the database, connect to Slack and serve (Socket Mode when SLACK_APP_TOKEN is set)",
  )
  .action(async () => {
    // Loaded here, not at the top: the Slack app is half the command's start-up time (about
    // 0.12 s), which every other subcommand (an import, a migration) would wait for.
    const { SlackAuthError, startCadence } = await import("./main.js");
    const config = configured(loadConfig);
    const logger = createLogger({
      level: config.logLevel,
      pretty: config.nodeEnv === "development",
    });
    // A stray rejection or exception (a library's, a listener's) is logged; the app keeps serving.
    process.on("unhandledRejection", (reason) =>
      logger.error({ err: reason }, "unhandled promise rejection"),
    );
    process.on("uncaughtException", (error) => logger.error({ err: error }, "uncaught exception"));
    try {
      const running = await startCadence(config, logger);
      let stopping = false;
      const shutdown = (signal: string) => {
        // A second signal (Ctrl-C after a SIGTERM) does not start a second shutdown.
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        // Orchestrators kill after a grace period (Kubernetes: 30 s, Docker: 10 s); leave first.
        setTimeout(() => {
          logger.error("shutdown took too long; exiting anyway");
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS).unref();
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    } catch (error) {
      if (error instanceof SlackAuthError) fail([`Cadence cannot start: ${error.message}`]);
      if (error instanceof CrmCredentialsError) fail([`Cadence cannot start: ${error.message}`]);
      const problem = databaseProblem(error, config.databaseUrl);
      if (problem) fail([`Cadence cannot start: ${problem}`]);
      logger.fatal({ err: error }, "Cadence failed to start");
      process.exit(1);
    }
  });

program
  .command("migrate")
  .description("apply pending database migrations to DATABASE_URL and exit")
  .action(async () => {
    const url = configured(loadDatabaseUrl);
    const report = await migrateDatabase(url);
    console.log(
      report.applied.length
        ? `Applied ${report.applied.length} migration(s): ${report.applied.join(", ")}`
        : `No pending migrations (${report.alreadyApplied.length} already applied).`,
    );
  });

const importCommand = program.command("import").description("bring data into Cadence");

/** Runs a CLI command against DATABASE_URL, migrated first, closed after. */
async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const url = configured(loadDatabaseUrl);
  await migrateDatabase(url);
  const database = openDatabase(url);
  await database.configure();
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

type ChosenWorkspace = Extract<Awaited<ReturnType<typeof chooseWorkspace>>, { ok: true }>;

/** Opens the database and picks the workspace `--workspace` names (or the only one there is). */
function withWorkspace(
  workspace: string | undefined,
  work: (database: Database, choice: ChosenWorkspace) => Promise<void>,
): Promise<void> {
  return withDatabase(async (database) => {
    const choice = await chooseWorkspace(database.db, workspace);
    if (!choice.ok) fail([choice.message]);
    await work(database, choice);
  });
}

importCommand
  .command("leads <file>")
  .description("import lead records from a CRM's CSV export (all-or-nothing unless --skip-invalid)")
  .option("--workspace <teamId>", "the Slack workspace (team id) the leads belong to")
  .option("--skip-invalid", "write the valid rows and list the invalid ones", false)
  .action(async (file: string, options: { workspace?: string; skipInvalid: boolean }) => {
    if (!existsSync(file)) fail([`No such file: ${file}`]);
    await withWorkspace(options.workspace, async (database, choice) => {
      const source = csvFile(file);
      const progress = progressBar();
      const summary = await importLeads(database, source, {
        ...choice,
        skipInvalid: options.skipInvalid,
        onProgress: progress.update,
      }).catch((error: unknown) => {
        progress.done();
        // Before the merge nothing is written; a merge stopped part-way says how far it got.
        fail([
          `Import failed: ${(error as Error).message.trim().split("\n").at(-1)}`,
          ...(error instanceof MergeInterrupted ? [] : ["Nothing was written."]),
        ]);
      });
      progress.done();
      const report = importReport(summary, file);
      for (const line of report.lines) console.log(line);
      process.exitCode = report.exitCode;
    });
  });

const DigestOptionsSchema = z.object({
  week: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--week must be a date, YYYY-MM-DD (any day of the week)")
    .optional(),
  workspace: z.string().optional(),
  timezone: z
    .string()
    .refine(isValidTimezone, "--timezone must be an IANA timezone such as Europe/Berlin")
    .optional(),
  json: z.boolean().default(false),
  post: z.boolean().default(false),
});

program
  .command("digest")
  .description("the Monday funnel digest for a week: readable text, --json, or --post to Slack")
  .option("--week <date>", "any day of the week to report (default: the last complete week)")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .option("--timezone <tz>", "the timezone weeks start in (default: the workspace's)")
  .option("--json", "print the digest as JSON")
  .option("--post", "post it where the weekly funnel review posts, with its chart and tables")
  .action(async (raw: Record<string, unknown>) => {
    const parsed = DigestOptionsSchema.safeParse(raw);
    if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message));
    const options = parsed.data;
    await withWorkspace(options.workspace, async (database, choice) => {
      const built = await workspaceDigest(
        database,
        choice.slackTeamId,
        options.week
          ? { kind: "containing", day: options.week }
          : { kind: "last-complete", now: new Date() },
        options.timezone,
      );
      console.log(
        options.json
          ? JSON.stringify(built.digest, null, 2)
          : digestText(built.digest, built.rejectionThreshold),
      );
      if (!options.post) return;
      const config = configured(loadConfig);
      // Only --post talks to Slack: its modules load here.
      const { standaloneClients } = await import("./slack/standalone-clients.js");
      const clients = standaloneClients(
        config,
        database.db,
        createLogger({ level: "warn", pretty: false, destination: process.stderr }),
      );
      const where = await postDigestNow(database, clients, choice.slackTeamId, built);
      console.error(where);
    });
  });

const ReviewOptionsSchema = z.object({
  workspace: z.string().optional(),
  json: z.boolean().default(false),
});

program
  .command("review")
  .description("the MQL-definition (mql) or ICP (icp) review's data pack: readable text or --json")
  .argument("<review>", "mql or icp")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .option("--json", "print the pack as JSON")
  .action(async (review: string, raw: Record<string, unknown>) => {
    if (review !== "mql" && review !== "icp") fail(["Which review: mql or icp?"]);
    const options = ReviewOptionsSchema.parse(raw);
    await withWorkspace(options.workspace, async (database, choice) => {
      const { pack, blocks } = await reviewPack(
        { ...database, clock: systemClock },
        choice.slackTeamId,
        review,
      );
      console.log(options.json ? JSON.stringify(pack, null, 2) : blocksText(blocks));
    });
  });

const QbrOptionsSchema = ReviewOptionsSchema.extend({
  quarter: z.string().regex(QUARTER_PATTERN, "--quarter must be YYYY-QN, e.g. 2026-Q4").optional(),
});

program
  .command("qbr")
  .description("the QBR scorecard for a quarter (default: the last complete one): text or --json")
  .option("--quarter <YYYY-QN>", "the quarter, e.g. 2026-Q4")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .option("--json", "print the scorecard as JSON")
  .action(async (raw: Record<string, unknown>) => {
    const parsed = QbrOptionsSchema.safeParse(raw);
    if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message));
    const options = parsed.data;
    await withWorkspace(options.workspace, async (database, choice) => {
      const deps = { ...database, clock: systemClock };
      const timezone = await workspaceZone(database.db, choice.slackTeamId);
      const quarter = options.quarter
        ? quarterNamed(options.quarter, timezone)!
        : lastCompleteQuarter(new Date(), timezone);
      const card = await buildQbrScorecard(deps, choice.slackTeamId, quarter);
      console.log(options.json ? JSON.stringify(card, null, 2) : blocksText(qbrBlocks(card)));
    });
  });

const exportCommand = program.command("export").description("take data out of Cadence");

const ExportOptionsSchema = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "--month must be YYYY-MM, e.g. 2026-11"),
  format: z.enum(["csv", "json"], { error: "--format must be csv or json" }).default("csv"),
  workspace: z.string().optional(),
});

exportCommand
  .command("feedback")
  .description("a month of AE feedback (win/loss and content notes) as CSV or JSON, to stdout")
  .requiredOption("--month <YYYY-MM>", "the month the notes count for")
  .option("--format <csv|json>", "csv (default) or json")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const parsed = ExportOptionsSchema.safeParse(raw);
    if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message));
    const options = parsed.data;
    await withWorkspace(options.workspace, async (database, choice) => {
      const notes = await notesOf(database.db, choice.slackTeamId, options.month);
      process.stdout.write(options.format === "csv" ? feedbackCsv(notes) : feedbackJson(notes));
      console.error(`${notes.length} note${notes.length === 1 ? "" : "s"} for ${options.month}.`);
    });
  });

const tokenCommand = program
  .command("token")
  .description("tokens for the ingest API (POST /api/v1/leads)");

tokenCommand
  .command("create")
  .description("create a token that writes leads to one workspace; it is shown once")
  .option("--workspace <teamId>", "the Slack workspace (team id) the token writes to")
  .option("--label <label>", "what the token is for, e.g. the CRM sync job", "ingest")
  .action(async (options: { workspace?: string; label: string }) => {
    await withWorkspace(options.workspace, async (database, choice) => {
      const { id, token } = await createApiToken(database.db, choice.slackTeamId, options.label);
      console.log(
        `Token ${id} for ${choice.slackTeamId} (${options.label}). Store it now: it is not shown again.`,
      );
      console.log(token);
    });
  });

tokenCommand
  .command("list")
  .description("list tokens (never their secrets)")
  .action(async () => {
    await withDatabase(async (database) => {
      for (const t of await listApiTokens(database.db)) {
        const state = t.revokedAt
          ? `revoked ${t.revokedAt.toISOString()}`
          : `last used ${t.lastUsedAt?.toISOString() ?? "never"}`;
        console.log(`${t.id}  ${t.slackTeamId}  ${t.label}  ${state}`);
      }
    });
  });

tokenCommand
  .command("revoke <id>")
  .description("revoke a token at once")
  .action(async (id: string) => {
    await withDatabase(async (database) => {
      if (!(await revokeApiToken(database.db, id, new Date())))
        fail([`No active token ${id}. \`cadence token list\` shows them.`]);
      console.log(`Token ${id} is revoked.`);
    });
  });

const crmCommand = program
  .command("crm")
  .description("connect a CRM (HubSpot or Salesforce) and sync its leads into Cadence");

const CrmWorkspaceOptions = z.object({ workspace: z.string().optional() });

const CrmConnectOptions = CrmWorkspaceOptions.extend({ loginUrl: z.string().optional() });

crmCommand
  .command("connect <provider>")
  .description(
    "connect hubspot (a private-app token) or salesforce (a connected app's consumer key and secret); secrets are read from stdin or a hidden prompt, never from arguments, and verified first",
  )
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .option(
    "--login-url <url>",
    "salesforce: your org's My Domain URL, e.g. https://acme.my.salesforce.com (a sandbox: https://acme--uat.sandbox.my.salesforce.com)",
  )
  .action(async (provider: string, raw: Record<string, unknown>) => {
    if (provider !== "hubspot" && provider !== "salesforce")
      fail([`Unknown CRM "${provider}": use hubspot or salesforce.`]);
    const options = CrmConnectOptions.parse(raw);
    if (provider === "salesforce" && !options.loginUrl)
      fail([
        "Give your org's login URL: --login-url https://<your domain>.my.salesforce.com (Setup > My Domain shows it; a sandbox's is https://<domain>--<sandbox>.sandbox.my.salesforce.com).",
      ]);
    const config = configured(loadCrmConfig);
    await withWorkspace(options.workspace, async (database, choice) => {
      const read = (prompt: string) =>
        readSecret(prompt).catch((error: unknown) => fail([(error as Error).message]));
      if (provider === "salesforce") {
        // Piped: the consumer key on the first line, the secret on the second.
        const [clientId = "", clientSecret = ""] = process.stdin.isTTY
          ? [
              await read("Connected app consumer key (not shown): "),
              await read("Connected app consumer secret (not shown): "),
            ]
          : (await read("")).split(/\r?\n/).map((line) => line.trim());
        if (!clientId || !clientSecret)
          fail([
            "Give the consumer key and the consumer secret: at the two prompts, or piped in on two lines. Nothing was stored.",
          ]);
        const result = await connectSalesforce(
          database.db,
          { config },
          { slackTeamId: choice.slackTeamId, loginUrl: options.loginUrl!, clientId, clientSecret },
        );
        if (!result.ok) fail([result.message]);
        console.log(
          `Salesforce is connected for ${choice.slackTeamId}; the consumer key and secret are stored encrypted. Next: \`cadence crm preview\`, then \`cadence crm sync\`.`,
        );
        return;
      }
      const token = await read("HubSpot private-app access token (not shown): ");
      if (!token)
        fail(["No token was given: pipe it in or type it at the prompt. Nothing was stored."]);
      const result = await connectHubspot(
        database.db,
        { config },
        {
          slackTeamId: choice.slackTeamId,
          token,
        },
      );
      if (!result.ok) fail([result.message]);
      console.log(
        `HubSpot is connected for ${choice.slackTeamId}; the token is stored encrypted. Next: \`cadence crm preview\`, then \`cadence crm sync\`.`,
      );
    });
  });

crmCommand
  .command("status")
  .description("the connection and its sync health: cursor, lag, last success, records, last error")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const options = CrmWorkspaceOptions.parse(raw);
    await withWorkspace(options.workspace, async (database, choice) => {
      const connection = await crmStatus(database.db, choice.slackTeamId);
      for (const line of statusLines(connection, choice.slackTeamId, new Date())) console.log(line);
    });
  });

crmCommand
  .command("disconnect")
  .description("delete the stored CRM credentials (the leads already synced stay)")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const options = CrmWorkspaceOptions.parse(raw);
    await withWorkspace(options.workspace, async (database, choice) => {
      if (!(await disconnectCrm(database.db, choice.slackTeamId)))
        fail([`No CRM is connected for ${choice.slackTeamId}.`]);
      console.log(
        `The CRM is disconnected for ${choice.slackTeamId}: its credentials are deleted. Leads already synced stay.`,
      );
    });
  });

const CrmPreviewOptions = CrmWorkspaceOptions.extend({
  limit: z.coerce
    .number({ error: "--limit must be a number" })
    .int("--limit must be a whole number")
    .min(1, "--limit must be between 1 and 100")
    .max(100, "--limit must be between 1 and 100")
    .default(10),
});

crmCommand
  .command("preview")
  .description("show a few records' CRM values and the lead records they map to, or why refused")
  .option("--limit <n>", "how many records (default 10)")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const parsed = CrmPreviewOptions.safeParse(raw);
    if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message));
    const config = configured(loadCrmConfig);
    await withWorkspace(parsed.data.workspace, async (database, choice) => {
      const preview = await previewConnection(
        database.db,
        { config },
        {
          slackTeamId: choice.slackTeamId,
          timezone: choice.timezone,
          limit: parsed.data.limit,
        },
      );
      if (!preview.ok) fail([preview.message]);
      for (const line of previewLines(preview.items, preview.provider)) console.log(line);
    });
  });

const CrmSyncOptions = CrmWorkspaceOptions.extend({
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--since must be a date, YYYY-MM-DD")
    .transform((day) => new Date(`${day}T00:00:00Z`))
    .optional(),
});

crmCommand
  .command("sync")
  .description(
    "read records changed since the last sync (all of them the first time) and store them",
  )
  .option("--since <date>", "read every record changed since this day (UTC), YYYY-MM-DD")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const parsed = CrmSyncOptions.safeParse(raw);
    if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message));
    const config = configured(loadCrmConfig);
    await withWorkspace(parsed.data.workspace, async (database, choice) => {
      const progress = progressBar();
      const records =
        (await crmStatus(database.db, choice.slackTeamId))?.provider === "salesforce"
          ? "leads"
          : "contacts";
      const result = await syncConnection(
        database,
        { config },
        {
          slackTeamId: choice.slackTeamId,
          timezone: choice.timezone,
          since: parsed.data.since,
          now: () => new Date(),
          onProgress: ({ read, total, upTo }) => {
            progress.update("syncing", read, total ? read / total : 0);
            if (!process.stderr.isTTY)
              console.error(
                `Synced ${read} of about ${total} ${records} (changed up to ${upTo.toISOString()})`,
              );
          },
        },
      );
      progress.done();
      if (!result.ok) fail([result.message]);
      for (const line of syncLines(result.summary, result.provider)) console.log(line);
    });
  });

const crmMappingCommand = crmCommand
  .command("mapping")
  .description("the workspace's mapping from CRM fields to lead record fields");

crmMappingCommand
  .command("get")
  .description("print the mapping as JSON (every default filled in)")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (raw: Record<string, unknown>) => {
    const options = CrmWorkspaceOptions.parse(raw);
    await withWorkspace(options.workspace, async (database, choice) => {
      const result = await crmMapping(database.db, choice.slackTeamId);
      if (!result.ok) fail([result.message]);
      console.log(JSON.stringify(result.mapping, null, 2));
    });
  });

crmMappingCommand
  .command("set <file>")
  .description("replace the mapping with a JSON file (parts left out take their defaults)")
  .option("--workspace <teamId>", "the Slack workspace (team id)")
  .action(async (file: string, raw: Record<string, unknown>) => {
    const options = CrmWorkspaceOptions.parse(raw);
    if (!existsSync(file)) fail([`No such file: ${file}`]);
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, "utf8")) as unknown;
    } catch (error) {
      fail([`${file} is not JSON (${(error as Error).message}). The mapping was not changed.`]);
    }
    await withWorkspace(options.workspace, async (database, choice) => {
      const result = await setCrmMapping(database.db, choice.slackTeamId, input);
      if (!result.ok) fail([result.message]);
      console.log(
        "The mapping is saved. The next `cadence crm sync` reads every record again with it; `cadence crm preview` shows the result first.",
      );
    });
  });

const workspaceCommand = program
  .command("workspace")
  .description("the Slack workspaces Cadence serves, and purging those it was uninstalled from");

workspaceCommand
  .command("list")
  .description("every workspace: installed, or uninstalled and when its data is purged")
  .action(async () => {
    const retentionMs = configured(loadRetentionMs);
    await withDatabase(async (database) => {
      const states = await workspaceStates(database.db, retentionMs);
      if (states.length === 0) console.log("No workspaces yet.");
      for (const w of states) {
        const org = w.enterpriseId ? `  org ${w.enterpriseId}` : "";
        const state = w.uninstalledAt
          ? `uninstalled ${w.uninstalledAt.toISOString()}, purged after ${w.purgeAt!.toISOString()}`
          : "installed";
        console.log(`${w.slackTeamId}  ${w.name}${org}  ${state}`);
      }
    });
  });

workspaceCommand
  .command("purge <teamId>")
  .description("delete now everything stored for a workspace Cadence was uninstalled from")
  .action(async (teamId: string) => {
    await withDatabase(async (database) => {
      const result = await purgeWorkspace(database.db, teamId);
      if (!result.ok) fail([result.message]);
      console.log(`Everything stored for ${teamId} is deleted.`);
    });
  });

const keysCommand = program
  .command("keys")
  .description("the encryption key of stored secrets (CRM credentials, Slack tokens)");

keysCommand
  .command("rotate")
  .description(
    "seal every stored secret again with CADENCE_ENCRYPTION_KEY, opening old ones with CADENCE_PREVIOUS_ENCRYPTION_KEYS",
  )
  .action(async () => {
    const config = configured(loadCrmConfig);
    if (!config.encryptionKey)
      fail([
        "CADENCE_ENCRYPTION_KEY is missing: set the new key there, the old one in CADENCE_PREVIOUS_ENCRYPTION_KEYS.",
      ]);
    const key = config.encryptionKey;
    await withDatabase(async (database) => {
      const report = await rotateKeys(database.db, key, config.previousKeys).catch(
        (error: unknown) => {
          if (error instanceof SecretsError)
            fail([
              `Stopped: ${error.message}`,
              "Secrets sealed before this one keep the new key; run it again once the key is listed.",
            ]);
          throw error;
        },
      );
      console.log(
        `Sealed ${report.resealed} secret(s) with key ${key.id}; ${report.alreadyCurrent} already were. CADENCE_PREVIOUS_ENCRYPTION_KEYS can now be emptied.`,
      );
    });
  });

// For `npm run bench`: the command's own peak memory, as the kernel measured it.
if (process.env.CADENCE_REPORT_PEAK_MEMORY === "1") {
  process.on("exit", () =>
    console.error(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`),
  );
}

/** A database that cannot be used, or a digest with nowhere to go: one line, exit code 1. */
function explainFailure(error: unknown): never {
  if (error instanceof UnknownWorkspaceError) fail([error.message]);
  const url = process.env.DATABASE_URL;
  const problem = url ? databaseProblem(error, url) : null;
  if (problem) fail([problem]);
  throw error;
}

await program.parseAsync().catch(explainFailure);
