// The workspace settings an admin changes with `/cadence`: sales, marketing, threshold and
// picklist (`/cadence sla <minutes>` lives with the board in src/sla/). Each reads its arguments
// into a SettingChange for changeSetting (./admin.ts); the SLA and the rejection threshold, agreed
// definitions, are proposed to the register instead.
import { proposeSettingChange } from "../definitions/listeners.js";
import { CHANNEL_MENTION, USER_GROUP_MENTION } from "../slack/mentions.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";
import { changeSetting, PICKLISTS, type PicklistName, type SettingChange } from "./admin.js";
import { holidaySubcommands } from "./holidays.js";

const usage = (problem: string): Parsed<never> => ({ ok: false, problem });
const change = (input: SettingChange): Parsed<SettingChange> => ({ ok: true, input });

const setting = (
  name: SettingChange["setting"],
  help: { usage: string; description: string },
  parse: (args: string) => Parsed<SettingChange>,
) =>
  subcommand<SettingChange>({
    name,
    ...help,
    parse,
    run: async (input, { deps, client, teamId, actor }) => {
      // The SLA and the rejection threshold are agreed definitions: proposed to the register.
      if (input.setting === "sla" || input.setting === "threshold")
        return { text: await proposeSettingChange(deps, client, teamId, await actor(), input) };
      const admin = { db: deps.db, adminUserIds: deps.config.adminUserIds };
      return { text: (await changeSetting(admin, teamId, await actor(), input)).message };
    },
  });

export const subcommands = [
  setting(
    "sales",
    {
      usage: "/cadence sales @user-group|#channel",
      description: "Who the AEs are: asked each month for win/loss and content feedback (admins).",
    },
    (args) => {
      const group = USER_GROUP_MENTION.exec(args)?.[1];
      const channel = CHANNEL_MENTION.exec(args)?.[1];
      if (group) return change({ setting: "sales", userGroupId: group });
      if (channel) return change({ setting: "sales", channelId: channel });
      return usage("Mention the sales team's @user-group or #channel.");
    },
  ),
  setting(
    "marketing",
    {
      usage: "/cadence marketing #channel|@user-group",
      description:
        "Where the monthly feedback roll-up is posted, or who marketing is for the quarterly diagnostic (admins).",
    },
    (args) => {
      const group = USER_GROUP_MENTION.exec(args)?.[1];
      const channel = CHANNEL_MENTION.exec(args)?.[1];
      if (group) return change({ setting: "marketing", userGroupId: group });
      return channel
        ? change({ setting: "marketing", channelId: channel })
        : usage("Mention the #channel for the feedback roll-up, or the marketing @user-group.");
    },
  ),
  setting(
    "threshold",
    {
      usage: "/cadence threshold <percent>",
      description: "Propose an MQL rejection alert (default 30%).",
    },
    (args) => {
      const percent = Number(args.replace(/%$/, ""));
      return Number.isFinite(percent) && percent > 0 && percent < 100
        ? change({ setting: "threshold", rate: percent / 100 })
        : usage("Give a percentage between 1 and 99, e.g. 30.");
    },
  ),
  setting(
    "picklist",
    {
      usage: "/cadence picklist [win-reasons|loss-reasons|competitors|assets] [add|remove <value>]",
      description: "The reasons, competitors and assets the feedback modals offer.",
    },
    (args) => {
      if (!args) return change({ setting: "picklist" });
      const [list = "", action = "", ...rest] = args.split(/\s+/);
      const value = rest.join(" ").trim();
      if (!(PICKLISTS as readonly string[]).includes(list))
        return usage(`Which list: ${PICKLISTS.join(", ")}?`);
      if ((action !== "add" && action !== "remove") || !value)
        return usage("Say `add` or `remove`, then the value.");
      return change({ setting: "picklist", list: list as PicklistName, action, value });
    },
  ),
  ...holidaySubcommands,
];
