// The process's one HTTP server: health checks in both modes, and Slack's requests in HTTP mode.
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Logger } from "../logger.js";

export interface ReadinessCheck {
  name: string;
  /** Returns or resolves when healthy; throws or rejects with what is wrong (logged, not shown). */
  check(): Promise<void> | void;
}

/** A route of ours: the calendar feed (GET), the ingest API (POST). */
export interface HttpRoute {
  method?: "GET" | "POST";
  path: RegExp;
  handle(match: RegExpExecArray, res: ServerResponse, req: IncomingMessage): Promise<void>;
}

export interface HttpServerOptions {
  logger: Logger;
  routes?: HttpRoute[];
  readiness: ReadinessCheck[];
  /** Requests for this path go to Slack (Bolt's HTTP receiver), when set. */
  slack?: { path: string; listener: RequestListener };
}

const READINESS_TIMEOUT_MS = 2_000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(JSON.stringify(body));
}

/** What /readyz says of a failing check: its name, never the error (driver text, hosts, paths). */
const unavailable = (check: ReadinessCheck) => `${check.name} unavailable`;

async function runCheck(check: ReadinessCheck, logger: Logger): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${READINESS_TIMEOUT_MS} ms`)),
      READINESS_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    return null;
  } catch (error) {
    logger.warn({ err: error, check: check.name }, "readiness check failed");
    return unavailable(check);
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpServer({
  logger,
  readiness,
  slack,
  routes = [],
}: HttpServerOptions): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (slack && path === slack.path) {
      slack.listener(req, res);
      return;
    }
    for (const route of routes) {
      const match = route.path.exec(path ?? "");
      if (!match || (route.method ?? "GET") !== (req.method === "HEAD" ? "GET" : req.method))
        continue;
      route.handle(match, res, req).catch((error: unknown) => {
        logger.error({ err: error, route: route.path.source }, "route failed");
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "method not allowed" });
      return;
    }
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (path === "/readyz") {
      void Promise.all(
        readiness.map(async (check) => [check.name, await runCheck(check, logger)] as const),
      ).then((results) => {
        const failing = Object.fromEntries(results.filter(([, problem]) => problem !== null));
        const ready = Object.keys(failing).length === 0;
        if (!ready) logger.warn({ failing }, "not ready");
        sendJson(res, ready ? 200 : 503, {
          status: ready ? "ready" : "not ready",
          checks: Object.fromEntries(results.map(([name, problem]) => [name, problem ?? "ok"])),
        });
      });
      return;
    }
    sendJson(res, 404, { error: "not found" });
  });
}
