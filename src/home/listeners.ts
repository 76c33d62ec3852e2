// app_home_opened: publish the Home tab for the person who opened it. Also republished after a
// button on it changes something, so it never shows stale dates.
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import { actorOf } from "../slack/actor.js";
import { guard } from "../slack/answered.js";
import type { AppDeps } from "../slack/deps.js";
import { buildHome } from "./service.js";

export function register(app: App, deps: AppDeps): void {
  app.event("app_home_opened", guard(deps.logger, "publishHome", publishHome(deps)));
}

export function publishHome(deps: AppDeps) {
  return async function publishHomeTab({
    event,
    body,
    client,
    context,
  }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs) {
    if (event.tab !== "home") return;
    const actor = body.team_id ? await actorOf(context) : null;
    const view = await buildHome(deps.db, body.team_id, event.user, {
      isWorkspaceAdmin: actor?.isWorkspaceAdmin ?? false,
      adminUserIds: deps.config.adminUserIds,
      now: deps.clock.now(),
    });
    await client.views.publish({ user_id: event.user, view });
  };
}
