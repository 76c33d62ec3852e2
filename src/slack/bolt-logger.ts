// Bolt and its Web API client log through our pino logger, so their lines are redacted too.
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../logger.js";

const PINO_LEVEL: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: "debug",
  [LogLevel.INFO]: "info",
  [LogLevel.WARN]: "warn",
  [LogLevel.ERROR]: "error",
};

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "bolt" });
  let level = (Object.entries(PINO_LEVEL).find(([, name]) => name === logger.level)?.[0] ??
    LogLevel.INFO) as LogLevel;
  const log =
    (method: "debug" | "info" | "warn" | "error") =>
    (...messages: unknown[]) => {
      // Bolt logs request bodies at debug level on every request: format them only when kept.
      if (!child.isLevelEnabled(method)) return;
      child[method](messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" "));
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    setLevel(next: LogLevel) {
      level = next;
    },
    getLevel: () => level,
    setName() {},
  };
}
