// `/cadence calendar [workspace] [revoke]`: a private ICS feed URL, or turning it off.
import { subcommand } from "../slack/subcommands.js";
import { createFeed, revokeFeeds } from "./service.js";

type CalendarAsk = { scope: "mine" | "workspace"; revoke: boolean };

export const subcommands = [
  subcommand<CalendarAsk>({
    name: "calendar",
    usage: "/cadence calendar [workspace] [revoke]",
    description: "A private calendar feed of your (or every) cadence.",
    parse: (args) => {
      const words = args.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.some((w) => w !== "workspace" && w !== "revoke"))
        return { ok: false, problem: "I did not understand that." };
      const scope = words.includes("workspace") ? "workspace" : "mine";
      return { ok: true, input: { scope, revoke: words.includes("revoke") } };
    },
    run: async ({ scope, revoke }, { deps, teamId, actor }) => {
      const calendar = {
        db: deps.db,
        clock: deps.clock,
        adminUserIds: deps.config.adminUserIds,
        publicUrl: deps.config.http.publicUrl,
      };
      if (revoke)
        return { text: (await revokeFeeds(calendar, teamId, await actor(), scope)).message };
      const feed = await createFeed(calendar, teamId, await actor(), scope);
      if (!feed.ok) return { text: feed.message };
      return {
        text: `Subscribe to this URL in Google Calendar, Outlook or Apple Calendar (“add calendar from URL”): ${feed.url}\nKeep it private: anyone with it sees ${scope === "mine" ? "your" : "every"} cadence. \`/cadence calendar${scope === "workspace" ? " workspace" : ""} revoke\` turns it off; asking again replaces it.`,
      };
    },
  }),
];
