// The process's one HTTP server: health checks and metrics in both modes, and Slack's requests in
// HTTP mode.
import { createHash, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Logger } from "../logger.js";
import { ackSeconds, registry } from "../metrics/registry.js";

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
  /** GET /metrics; with a token, only for `Authorization: Bearer <token>`. */
  metrics?: { token?: string };
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

/** Responses not yet finished, per server: a graceful close waits for them (closeHttpServer). */
const unfinished = new WeakMap<Server, Set<ServerResponse>>();

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compared in constant time (over digests, so the length does not show either). */
function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(given), digest(token));
}

async function sendMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  token: string | undefined,
): Promise<void> {
  if (token && !bearerMatches(req, token)) {
    res.writeHead(401, { "www-authenticate": "Bearer", "cache-control": "no-store" });
    res.end();
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
}

export function createHttpServer({
  logger,
  readiness,
  slack,
  routes = [],
  metrics,
}: HttpServerOptions): Server {
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once("close", () => open.delete(res));
    const path = (req.url ?? "/").split("?")[0];
    if (slack && path === slack.path) {
      // Bolt answers when the listener acknowledges: the time to the answer is the ack latency.
      const timer = ackSeconds.startTimer({ transport: "http" });
      res.once("finish", () => timer());
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
    if (metrics && path === "/metrics") {
      sendMetrics(req, res, metrics.token).catch((error: unknown) => {
        logger.error({ err: error }, "could not render metrics");
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      });
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
  unfinished.set(server, open);
  return server;
}

/**
 * Stops taking connections, lets requests under way finish for up to `graceMs` (an import's
 * upload, a Slack request being acknowledged), then closes whatever is left.
 */
export async function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const open = unfinished.get(server) ?? new Set<ServerResponse>();
  const deadline = Date.now() + graceMs;
  while (open.size > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  server.closeAllConnections();
  await closed;
}
