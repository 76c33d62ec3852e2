// `/cadence digest`: this week's funnel digest so far, just for the person asking.
import { blocksReply } from "../slack/ack.js";
import { subcommand } from "../slack/subcommands.js";
import { workspaceDigest } from "./service.js";
import { digestBlocks } from "./views.js";

export const subcommands = [
  subcommand({
    name: "digest",
    usage: "/cadence digest",
    description: "This week's funnel digest so far, just for you.",
    parse: () => ({ ok: true, input: null }),
    run: async (_input, { deps, teamId }) => {
      const built = await workspaceDigest(
        { db: deps.db, provider: deps.database.provider },
        teamId,
        { kind: "containing", day: deps.clock.now() },
      );
      return blocksReply(
        digestBlocks(built.digest, {
          heading: "Funnel digest so far",
          rejectionThreshold: built.rejectionThreshold,
          detailNote: "Only you can see this. The full digest posts on Monday.",
        }),
      );
    },
  }),
];
