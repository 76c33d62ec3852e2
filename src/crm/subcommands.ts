// `/cadence crm sync` and `/cadence crm status`: the CRM from Slack. Connecting stays on the
// server (`cadence crm connect`), where the token never passes through Slack.
import { isCadenceAdmin } from "../cadences/rules.js";
import { replicaName } from "../scheduler/scheduler.js";
import { subcommand } from "../slack/subcommands.js";
import { crmHealthLines } from "./health.js";
import { startSlackSync, syncStartedText } from "./slack-sync.js";
import { findConnection } from "./store.js";

const ACTIONS = ["sync", "status"] as const;
type CrmAction = (typeof ACTIONS)[number];

/** Resolves when the syncs started from Slack in this process have finished (tests, shutdown). */
const running = new Set<Promise<void>>();
export async function slackSyncsIdle(): Promise<void> {
  await Promise.all(running);
}

export const subcommands = [
  subcommand<CrmAction>({
    name: "crm",
    usage: "/cadence crm sync|status",
    description: "Sync the connected CRM now, or see how its sync is doing (admins).",
    parse: (args) => {
      const action = args.trim().toLowerCase();
      return (ACTIONS as readonly string[]).includes(action)
        ? { ok: true, input: action as CrmAction }
        : { ok: false, problem: "Say `sync` or `status`." };
    },
    run: async (action, { deps, client, actor }) => {
      const who = await actor();
      if (action === "sync") {
        const start = await startSlackSync(
          {
            db: deps.db,
            database: deps.database,
            slack: client,
            logger: deps.logger,
            clock: deps.clock,
            config: deps.config.crm,
            adminUserIds: deps.config.adminUserIds,
            owner: replicaName(),
          },
          who,
          // In the asker's DM: the bot can always post there, and progress is theirs to read.
          { channel: who.slackUserId },
        );
        if (!start.started) return { text: start.message };
        running.add(start.done);
        void start.done.finally(() => running.delete(start.done));
        return { text: syncStartedText(start.thread) };
      }
      if (!isCadenceAdmin(who, deps.config.adminUserIds))
        return { text: "Only an admin can see the CRM sync's health." };
      const connection = await findConnection(deps.db, who.teamId);
      if (!connection)
        return {
          text: "No CRM is connected for this workspace: an admin connects HubSpot or Salesforce with `cadence crm connect hubspot|salesforce` on the server.",
        };
      return { text: crmHealthLines(connection, deps.clock.now()).join("\n") };
    },
  }),
];
