// app_home_opened: publish the Home tab for the person who opened it. Also republished after a
// button on it changes something, so it never shows stale dates.
import type { App } from "@slack/bolt";
import type { AppDeps } from "../slack/deps.js";
import { isWorkspaceAdmin } from "../workspaces/rules.js";
import { lookUpPerson } from "../workspaces/service.js";
import { buildHome } from "./service.js";

export function register(app: App, deps: AppDeps): void {
  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const person = body.team_id
      ? await lookUpPerson(deps.db, deps.clock, client, body.team_id, event.user)
      : null;
    const view = await buildHome(deps.db, body.team_id, event.user, {
      isWorkspaceAdmin: isWorkspaceAdmin(person),
      adminUserIds: deps.config.adminUserIds,
    });
    await client.views.publish({ user_id: event.user, view });
  });
}
