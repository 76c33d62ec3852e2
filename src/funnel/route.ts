// POST /api/v1/leads: the ingest API. Bearer token per workspace; JSON array or NDJSON; the same
// validation and upserts as the CSV import; 400 with the row errors, 401 without a valid token,
// 413 past the size limit, 507 when the database's disk is full (WebDAV's Insufficient Storage,
// RFC 4918 section 11.5: the client may retry the same request once space is freed).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import type { HttpRoute } from "../http/server.js";
import { isDiskFull, MergeInterrupted } from "./bulk-writer.js";
import { importLeads } from "./import.js";
import { parseIngestBody } from "./records.js";
import { workspaceOfToken } from "./tokens.js";

export const INGEST_MAX_BYTES = 10 * 1024 * 1024;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function ingestRoute(
  deps: { database: Database; clock: Clock },
  maxBytes = INGEST_MAX_BYTES,
): HttpRoute {
  return {
    method: "POST",
    path: /^\/api\/v1\/leads$/,
    async handle(_match, res, req) {
      try {
        await ingest(deps, maxBytes, res, req);
      } catch (error) {
        if (!isDiskFull(error)) throw error;
        const stored = error instanceof MergeInterrupted ? error.stored : 0;
        send(res, 507, {
          error: "insufficient_storage",
          message:
            (stored
              ? `The database's disk filled up after ${stored} records were stored; the rest were not. `
              : "The database's disk is full: none of these records were stored. ") +
            "Free disk space on the Cadence server, then send the same request again (records already stored come back as unchanged).",
          stored,
        });
      }
    },
  };
}

async function ingest(
  deps: { database: Database; clock: Clock },
  maxBytes: number,
  res: ServerResponse,
  req: IncomingMessage,
): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const slackTeamId = token
    ? await workspaceOfToken(deps.database.db, token, deps.clock.now())
    : null;
  if (!slackTeamId) {
    send(
      res,
      401,
      {
        error: "unauthorized",
        message: "Send Authorization: Bearer <token>; create one with `cadence token create`.",
      },
      { "www-authenticate": "Bearer" },
    );
    return;
  }
  const body = await readBody(req, maxBytes);
  if (body === null) {
    send(res, 413, {
      error: "payload_too_large",
      message: `At most ${maxBytes} bytes per request: send the records in several requests.`,
    });
    req.resume();
    return;
  }
  const parsed = parseIngestBody(body, req.headers["content-type"] ?? "");
  if (!parsed.ok) {
    send(res, 400, { error: "invalid_body", message: parsed.problem });
    return;
  }
  const workspace = await deps.database.db.workspace.findUniqueOrThrow({
    where: { slackTeamId },
  });
  const skipInvalid =
    new URL(req.url ?? "/", "http://localhost").searchParams.get("skip_invalid") === "true";
  const summary = await importLeads(deps.database, parsed.source, {
    now: deps.clock.now(),
    slackTeamId,
    timezone: workspace.timezone,
    skipInvalid,
  });
  send(
    res,
    summary.written ? 200 : 400,
    summary.written ? summary : { error: "invalid_records", ...summary },
  );
}
