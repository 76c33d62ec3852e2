// Who is asking, worked out once per request: a global middleware puts a memoised look-up in
// Bolt's context, and every listener reads it with actorOf(context). users.info is asked at most
// once per request, and only by listeners that need to know (a `message` event never does).
import type { Context, Middleware, AnyMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Actor as RulesActor } from "../cadences/rules.js";
import { isWorkspaceAdmin } from "../workspaces/rules.js";
import { lookUpPerson } from "../workspaces/service.js";
import type { AppDeps } from "./deps.js";

/** The rules' actor (src/cadences/rules.ts), with the workspace the request came from. */
export interface Actor extends RulesActor {
  teamId: string;
}

const ACTOR = "cadenceActor";

/** The team and user a request comes from, wherever its kind of payload keeps them. */
export function requestIds(body: unknown, context: Context): { teamId: string; userId: string } {
  const b = (body ?? {}) as {
    team_id?: unknown;
    user_id?: unknown;
    team?: { id?: unknown } | null;
    user?: { id?: unknown; team_id?: unknown } | string | null;
    event?: { user?: unknown } | null;
  };
  const user = typeof b.user === "object" && b.user ? b.user : undefined;
  const text = (...values: unknown[]) => values.find((v) => typeof v === "string" && v) as string;
  return {
    teamId: text(b.team?.id, b.team_id, user?.team_id, context.teamId) ?? "",
    userId: text(b.user_id, user?.id, b.event?.user, context.userId) ?? "",
  };
}

export function actorContext(deps: Pick<AppDeps, "db" | "clock">): Middleware<AnyMiddlewareArgs> {
  return async function attachActor({ body, context, client, next }) {
    let actor: Promise<Actor> | undefined;
    context[ACTOR] = () => (actor ??= lookUpActor(deps, client, requestIds(body, context)));
    await next();
  };
}

async function lookUpActor(
  deps: Pick<AppDeps, "db" | "clock">,
  client: WebClient,
  ids: { teamId: string; userId: string },
): Promise<Actor> {
  const person = await lookUpPerson(deps.db, deps.clock, client, ids.teamId, ids.userId);
  return {
    slackUserId: ids.userId,
    teamId: ids.teamId,
    isWorkspaceAdmin: isWorkspaceAdmin(person),
  };
}

/** The person behind this request (see actorContext, installed first in src/slack/app.ts). */
export function actorOf(context: Context): Promise<Actor> {
  const lookUp: unknown = context[ACTOR];
  if (typeof lookUp !== "function") throw new Error("actorContext middleware is not installed");
  return (lookUp as () => Promise<Actor>)();
}
