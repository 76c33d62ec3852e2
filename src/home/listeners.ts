// app_home_opened: publish the Home tab for the person who opened it.
import type { App } from "@slack/bolt";
import type { AppDeps } from "../slack/deps.js";
import { buildHome } from "./service.js";

export function register(app: App, deps: AppDeps): void {
  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const view = await buildHome(deps.db, body.team_id, event.user);
    await client.views.publish({ user_id: event.user, view });
  });
}
