// GET /calendar/<secret>.ics
import type { HttpRoute } from "../http/server.js";
import { serveFeed, type CalendarDeps } from "./service.js";

export function calendarRoute(deps: Pick<CalendarDeps, "db" | "clock">): HttpRoute {
  return {
    path: /^\/calendar\/([A-Za-z0-9_-]{20,100})\.ics$/,
    async handle(match, res) {
      const ics = await serveFeed(deps, match[1]!);
      if (ics === null) {
        res
          .writeHead(404, { "content-type": "text/plain; charset=utf-8" })
          .end(
            "No such calendar feed: it may have been revoked. Ask for a new one with /cadence calendar.",
          );
        return;
      }
      res
        .writeHead(200, {
          "content-type": "text/calendar; charset=utf-8",
          "cache-control": "private, max-age=300",
        })
        .end(ics);
    },
  };
}
