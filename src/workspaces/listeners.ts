// Slack events that keep the people table current: user_change and team_join. The settings'
// `/cadence` subcommands are in ./subcommands.ts.
import type { App } from "@slack/bolt";
import type { AppDeps } from "../slack/deps.js";
import { SlackUserSchema, teamOfUser } from "./rules.js";
import { syncPerson } from "./service.js";

export { subcommands } from "./subcommands.js";

export function register(app: App, deps: AppDeps): void {
  const onUserEvent = async ({
    event,
    body,
  }: {
    event: { user: unknown };
    body: { team_id?: string };
  }) => {
    const user = SlackUserSchema.safeParse(event.user);
    if (!user.success) {
      deps.logger.warn(
        { issues: user.error.issues },
        "ignored a user event with an unexpected user",
      );
      return;
    }
    const teamId = teamOfUser(user.data, body.team_id);
    if (!teamId) return;
    const result = await syncPerson(deps.db, deps.clock, teamId, user.data);
    if (result?.deactivated)
      deps.logger.info({ slackUserId: result.slackUserId }, "person deactivated");
  };
  app.event("user_change", onUserEvent);
  app.event("team_join", onUserEvent);
}
