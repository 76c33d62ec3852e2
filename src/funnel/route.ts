// POST /api/v1/leads: the ingest API. Bearer token per workspace; JSON array or NDJSON; the same
// validation and upserts as the CSV import; 400 with the row errors, 401 without a valid token,
// 413 past the size limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import type { HttpRoute } from "../http/server.js";
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
    },
  };
}
