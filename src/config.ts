// The one place the environment is read. Every variable is parsed by ConfigSchema at start-up;
// a bad value stops the process with one line per problem (see formatConfigProblems).
import { z } from "zod";
import { parseEncryptionKey, SecretsError } from "./crypto/secrets.js";

const isTimezone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** The raw environment variables, before the cross-field rules and the shaping below. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  // Single-workspace mode: one bot token. OAuth mode (the three SLACK_* below set instead):
  // workspaces install the app at /slack/install and their tokens are stored encrypted.
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xoxb-/, "must be a bot token starting with xoxb-")
      .optional(),
  ),
  SLACK_CLIENT_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d+\.\d+$/, "must be the app's Client ID, digits.digits")
      .optional(),
  ),
  SLACK_CLIENT_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{16,}$/, "must be the app's Client Secret: 32 letters and digits")
      .optional(),
  ),
  SLACK_STATE_SECRET: optionalText.pipe(
    z.string().min(16, "must be at least 16 random characters").optional(),
  ),
  // Days an uninstalled workspace's data is kept (a reinstall meanwhile resumes it), then purged.
  WORKSPACE_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .int("must be a whole number of days")
    .min(0, "must be 0 or more")
    .default(30),
  SLACK_SIGNING_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{16,}$/, "must be the Signing Secret: 32 letters and digits")
      .optional(),
  ),
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xapp-/, "must be an app-level token starting with xapp-")
      .optional(),
  ),
  SLACK_API_URL: z
    .url({ error: "must be an http(s) URL such as https://slack.com/api/" })
    .default("https://slack.com/api/")
    .transform((url) => (url.endsWith("/") ? url : `${url}/`)),
  DATABASE_URL: z
    .string()
    .default("file:./data/cadence.db")
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: "must be file:<path> for SQLite or postgresql://user@host:5432/db",
    }),
  PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: optionalText.pipe(
    z
      .url({
        error: "must be the URL people reach Cadence at, such as https://cadence.example.com",
      })
      .optional(),
  ),
  METRICS_TOKEN: optionalText.pipe(
    z.string().min(16, "must be at least 16 characters (e.g. `openssl rand -hex 24`)").optional(),
  ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  DEFAULT_TIMEZONE: z
    .string()
    .default("UTC")
    .refine(isTimezone, { message: "must be an IANA timezone such as America/New_York" }),
  ADMIN_USER_IDS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(SLACK_USER_ID, "must be Slack user ids such as U012ABCDEF, comma-separated"),
      ),
    ),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(
    z.url({ error: "must be an http(s) URL such as https://api.openai.com/v1" }).optional(),
  ),
  OPENAI_MODEL: z.string().default("gpt-4o-mini"),
  SCHEDULER_ENABLED: z
    .enum(["true", "false"], { error: "must be true or false" })
    .default("true")
    .transform((value) => value === "true"),
  SCHEDULER_SWEEP_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be between 1 and 59")
    .max(59, "must be between 1 and 59")
    .default(10),
  SCHEDULER_LEASE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .default(60),
  SLACK_POST_INTERVAL_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(0, "must be 0 or more")
    .default(1_000),
  CATCH_UP_WINDOW_HOURS: z.coerce
    .number({ error: "must be a number of hours" })
    .min(0, "must be 0 or more")
    .default(6),
  ...CrmEnvShape(),
});

/** The CRM connectors' variables: shared by `cadence start` and the `cadence crm` commands. */
function CrmEnvShape() {
  return {
    CADENCE_ENCRYPTION_KEY: optionalText.pipe(
      z
        .string()
        .transform((value, ctx) => {
          try {
            return parseEncryptionKey(value);
          } catch (error) {
            if (!(error instanceof SecretsError)) throw error;
            ctx.addIssue({ code: "custom", message: error.message });
            return z.NEVER;
          }
        })
        .optional(),
    ),
    // During a key rotation: the keys secrets may still be sealed with, comma-separated.
    CADENCE_PREVIOUS_ENCRYPTION_KEYS: z
      .string()
      .default("")
      .transform((list, ctx) => {
        const keys = [];
        for (const text of list.split(",").map((item) => item.trim())) {
          if (!text) continue;
          try {
            keys.push(parseEncryptionKey(text));
          } catch (error) {
            if (!(error instanceof SecretsError)) throw error;
            ctx.addIssue({ code: "custom", message: `each key ${error.message}` });
            return z.NEVER;
          }
        }
        return keys;
      }),
    HUBSPOT_API_URL: z
      .url({ error: "must be an http(s) URL such as https://api.hubapi.com" })
      .default("https://api.hubapi.com")
      .transform((url) => url.replace(/\/+$/, "")),
    CRM_SYNC_MINUTES: z.coerce
      .number({ error: "must be a number of minutes" })
      .int("must be a whole number of minutes")
      .min(1, "must be at least 1")
      .default(5),
    // A sync stops when HubSpot's daily allowance left is under this many calls (default: a tenth
    // of the day's limit), so the portal's other integrations keep theirs.
    // Empty (as in .env.example) means the default, not a floor of 0.
    HUBSPOT_DAILY_FLOOR: optionalText.pipe(
      z.coerce
        .number<string | undefined>({ error: "must be a number of API calls" })
        .int("must be a whole number of API calls")
        .min(0, "must be 0 or more")
        .optional(),
    ),
    // The same for Salesforce, whose allowance counts the last 24 hours (Sforce-Limit-Info).
    SALESFORCE_DAILY_FLOOR: optionalText.pipe(
      z.coerce
        .number<string | undefined>({ error: "must be a number of API requests" })
        .int("must be a whole number of API requests")
        .min(0, "must be 0 or more")
        .optional(),
    ),
    // After this many scheduled syncs of a workspace fail in a row, its admins are told (once).
    CRM_FAILURES_TO_NOTIFY: z.coerce
      .number({ error: "must be a number of failed syncs" })
      .int("must be a whole number of failed syncs")
      .min(1, "must be at least 1")
      .default(3),
  };
}

const CrmEnvSchema = z.object(CrmEnvShape()).transform(crmConfigOf);

function crmConfigOf(env: z.infer<z.ZodObject<ReturnType<typeof CrmEnvShape>>>) {
  return {
    encryptionKey: env.CADENCE_ENCRYPTION_KEY,
    previousKeys: env.CADENCE_PREVIOUS_ENCRYPTION_KEYS,
    hubspotApiUrl: env.HUBSPOT_API_URL,
    syncIntervalMs: env.CRM_SYNC_MINUTES * 60_000,
    hubspotDailyFloor: env.HUBSPOT_DAILY_FLOOR,
    salesforceDailyFloor: env.SALESFORCE_DAILY_FLOOR,
    failuresBeforeNotice: env.CRM_FAILURES_TO_NOTIFY,
  };
}

export type CrmConfig = ReturnType<typeof crmConfigOf>;

// Checked even when other variables are wrong, so every problem is listed in one go.
const always = (payload: { value: unknown }) =>
  typeof payload.value === "object" && payload.value !== null;

const OAUTH_VARIABLES = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

type Env = z.infer<typeof EnvSchema>;

const oauthSet = (env: Env) => OAUTH_VARIABLES.filter((name) => env[name] !== undefined);

/** The OAuth credentials when all three are set: OAuth mode. */
function oauthOf(env: Env) {
  return env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_STATE_SECRET
    ? {
        clientId: env.SLACK_CLIENT_ID,
        clientSecret: env.SLACK_CLIENT_SECRET,
        stateSecret: env.SLACK_STATE_SECRET,
      }
    : undefined;
}

export const ConfigSchema = EnvSchema.refine(
  (env) => Boolean(env.SLACK_BOT_TOKEN) || oauthSet(env).length > 0,
  {
    path: ["SLACK_BOT_TOKEN"],
    message:
      "is missing: set it for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to let workspaces install Cadence",
    when: always,
  },
)
  .refine((env) => Boolean(env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET), {
    path: ["SLACK_SIGNING_SECRET"],
    message:
      "is missing: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode",
    when: always,
  })
  .refine((env) => !(env.SLACK_BOT_TOKEN && oauthSet(env).length > 0), {
    path: ["SLACK_BOT_TOKEN"],
    message:
      "and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET are both set: choose one mode (unset SLACK_BOT_TOKEN for installs by OAuth)",
    when: always,
  })
  .refine((env) => oauthSet(env).length === 0 || oauthSet(env).length === 3, {
    path: ["SLACK_CLIENT_ID"],
    message:
      "with SLACK_CLIENT_SECRET and SLACK_STATE_SECRET: all three must be set for installs by OAuth, and some are missing",
    when: always,
  })
  .refine((env) => oauthSet(env).length === 0 || env.CADENCE_ENCRYPTION_KEY !== undefined, {
    path: ["CADENCE_ENCRYPTION_KEY"],
    message: "is missing: installs by OAuth store each workspace's tokens encrypted with it",
    when: always,
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      mode: env.SLACK_APP_TOKEN ? ("socket" as const) : ("http" as const),
      /** Set in OAuth mode (many workspaces); unset in single-workspace mode (botToken). */
      oauth: oauthOf(env),
    },
    workspaceRetentionMs: env.WORKSPACE_RETENTION_DAYS * 86_400_000,
    databaseUrl: env.DATABASE_URL,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
      metricsToken: env.METRICS_TOKEN,
    },
    logLevel: env.LOG_LEVEL,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    adminUserIds: env.ADMIN_USER_IDS,
    openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL },
    scheduler: {
      enabled: env.SCHEDULER_ENABLED,
      sweepIntervalSeconds: env.SCHEDULER_SWEEP_SECONDS,
      leaseMs: env.SCHEDULER_LEASE_SECONDS * 1000,
      postIntervalMs: env.SLACK_POST_INTERVAL_MS,
      catchUpWindowMs: env.CATCH_UP_WINDOW_HOURS * 3_600_000,
    },
    crm: crmConfigOf(env),
  }));

export type Config = z.infer<typeof ConfigSchema>;

/** Where to get each value a person has to supply; said next to the problem. */
const HOW_TO_GET: Record<string, string> = {
  SLACK_BOT_TOKEN: "Slack app > OAuth & Permissions > Bot User OAuth Token",
  SLACK_SIGNING_SECRET: "Slack app > Basic Information > App Credentials > Signing Secret",
  SLACK_APP_TOKEN:
    "Slack app > Basic Information > App-Level Tokens, with the connections:write scope",
  CADENCE_ENCRYPTION_KEY:
    "keep it with your backups: stored CRM credentials and Slack tokens need it",
  SLACK_CLIENT_ID: "Slack app > Basic Information > App Credentials",
  SLACK_CLIENT_SECRET: "Slack app > Basic Information > App Credentials > Client Secret",
  SLACK_STATE_SECRET: "any random text of 16 characters or more, e.g. `openssl rand -hex 16`",
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

export function formatConfigProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "environment");
    const hint = HOW_TO_GET[variable];
    return `${variable} ${issue.message}${hint ? ` (${hint})` : ""}`;
  });
}

/** Parses the environment; throws ConfigError with one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatConfigProblems(parsed.error));
  return parsed.data;
}

/** The database part alone, for commands such as `cadence migrate` that need no Slack tokens. */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = EnvSchema.pick({ DATABASE_URL: true }).safeParse(env);
  if (!parsed.success) throw new ConfigError(formatConfigProblems(parsed.error));
  return parsed.data.DATABASE_URL;
}

/** How long uninstalled workspaces are kept, for `cadence workspace list`. */
export function loadRetentionMs(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = EnvSchema.pick({ WORKSPACE_RETENTION_DAYS: true }).safeParse(env);
  if (!parsed.success) throw new ConfigError(formatConfigProblems(parsed.error));
  return parsed.data.WORKSPACE_RETENTION_DAYS * 86_400_000;
}

/** The CRM part alone, for the `cadence crm` commands, which need no Slack tokens. */
export function loadCrmConfig(env: NodeJS.ProcessEnv = process.env): CrmConfig {
  const parsed = CrmEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatConfigProblems(parsed.error));
  return parsed.data;
}
