// pino, JSON in production and pretty in development. Secrets never reach a log line: known
// secret fields are redacted by path, and token-shaped strings are masked wherever they appear.
import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

const SECRET_KEYS = [
  "token",
  "botToken",
  "appToken",
  "signingSecret",
  "apiKey",
  "authorization",
  "Authorization",
  "password",
  "client_secret",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_SIGNING_SECRET",
  "OPENAI_API_KEY",
  "accessToken",
  "credentials",
  "CADENCE_ENCRYPTION_KEY",
  "encryptionKey",
  "metricsToken",
  "METRICS_TOKEN",
];

export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  "headers.authorization",
  "req.headers.authorization",
  'req.headers["x-slack-signature"]',
  'headers["x-slack-signature"]',
];

/** Slack tokens (xoxb-, xoxp-, xapp-, …), OpenAI keys (sk-…), HubSpot private-app tokens (pat-…)
 * and bearer credentials. */
const SECRET_PATTERN =
  /\b(xox[abposr]-[\w-]+|xapp-[\w-]+|sk-[\w-]{8,}|pat-[a-z]{2}\d-[\w-]{8,}|Bearer\s+[\w.~+/-]+=*)/g;

export function maskSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (match) =>
    match.startsWith("Bearer") ? "Bearer [Redacted]" : `${match.slice(0, 5)}[Redacted]`,
  );
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskSecrets(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    const masked = new Error(maskSecrets(value.message));
    masked.name = value.name;
    masked.stack = value.stack ? maskSecrets(value.stack) : undefined;
    return masked;
  }
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskDeep(item, depth + 1)]),
  );
}

export interface LoggerSettings {
  level: string;
  pretty: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger({ level, pretty, destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "cadence" },
    redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => maskDeep(arg)) as Parameters<typeof method>);
      },
    },
  };
  if (destination) return pino(options, destination);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { colorize: true, translateTime: "SYS:HH:MM:ss" },
      },
    });
  }
  return pino(options);
}
