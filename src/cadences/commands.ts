// Reading `/cadence <subcommand> …` into an intent. Pure: what was asked, or what is wrong with it.
import { PICKLISTS, type PicklistName, type SettingChange } from "../workspaces/admin.js";
import { mentionedUserIds, withoutMentions } from "./rules.js";

export type CadenceIntent =
  | { op: "help" }
  | { op: "list" }
  | { op: "assign" | "backup"; cadence: string; person: string }
  | { op: "handover"; from: string; to: string }
  | { op: "pause" | "resume" | "done"; cadence: string }
  | { op: "channel"; cadence: string; channelId: string }
  | { op: "admin-channel"; channelId: string }
  | { op: "grace"; cadence: string; hours: number }
  | { op: "calendar"; scope: "mine" | "workspace"; revoke: boolean }
  | { op: "import" }
  | { op: "digest" }
  | { op: "setting"; change: SettingChange }
  | { op: "usage"; problem: string };

export const USAGE: Record<string, string> = {
  list: "`/cadence list`",
  assign: "`/cadence assign <cadence> @person`",
  backup: "`/cadence backup <cadence> @person`",
  handover: "`/cadence handover @from @to`",
  pause: "`/cadence pause <cadence>`",
  resume: "`/cadence resume <cadence>`",
  done: "`/cadence done <cadence>`",
  channel: "`/cadence channel <cadence> #channel`",
  "admin-channel": "`/cadence admin-channel #channel`",
  calendar: "`/cadence calendar [workspace] [revoke]`",
  grace: "`/cadence grace <cadence> <hours>`",
  sales: "`/cadence sales @user-group` or `/cadence sales #channel`",
  marketing: "`/cadence marketing #channel`",
  sla: "`/cadence sla <minutes>`",
  threshold: "`/cadence threshold <percent>`",
  picklist:
    "`/cadence picklist [win-reasons|loss-reasons|competitors|assets] [add|remove <value>]`",
};

const USER_GROUP_MENTION = /<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>/;

/** Slack escapes channel mentions in slash commands as <#C123|name> or <#C123>. */
const CHANNEL_MENTION = /<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/;

const TEAM_MENTION = /<!subteam\^|<!(here|channel|everyone)/;

export function parseCadenceCommand(text: string): CadenceIntent {
  const trimmed = text.trim();
  const [first = "", ...rest] = trimmed.split(/\s+/);
  const op = first.toLowerCase();
  const args = rest.join(" ");
  if (op === "" || op === "help") return { op: "help" };
  if (op === "list" || op === "ls") return { op: "list" };
  if (op === "import") return { op: "import" };
  if (op === "digest") return { op: "digest" };
  const setting = parseSetting(op, args);
  if (setting) return setting;
  if (!(op in USAGE)) return { op: "usage", problem: `I don't know \`/cadence ${trimmed}\`.` };
  if (TEAM_MENTION.test(args)) {
    return {
      op: "usage",
      problem: "A DRI is one named person, never a team or a group: mention a single @person.",
    };
  }
  const people = mentionedUserIds(args);
  const name = withoutMentions(args);
  const usage = (problem: string): CadenceIntent => ({
    op: "usage",
    problem: `${problem} Usage: ${USAGE[op]}`,
  });
  switch (op) {
    case "assign":
    case "backup":
      if (!name) return usage("Which cadence?");
      if (people.length !== 1) return usage("Mention exactly one @person.");
      return { op, cadence: name, person: people[0]! };
    case "channel": {
      const channelId = CHANNEL_MENTION.exec(args)?.[1];
      const cadence = args.replace(CHANNEL_MENTION, " ").replace(/\s+/g, " ").trim();
      if (!channelId) return usage("Mention the #channel.");
      if (!cadence) return usage("Which cadence?");
      return { op, cadence, channelId };
    }
    case "admin-channel": {
      const channelId = CHANNEL_MENTION.exec(args)?.[1];
      return channelId ? { op, channelId } : usage("Mention the #channel.");
    }
    case "grace": {
      const match = /^(.*\S)\s+(\d+(?:\.\d+)?)\s*h?(?:ours?)?$/i.exec(name);
      const hours = match ? Number(match[2]) : NaN;
      if (!match || !(hours > 0 && hours <= 24 * 14))
        return usage("Give the hours after the due time, from 1 to 336.");
      return { op, cadence: match[1]!, hours };
    }
    case "calendar": {
      const words = args.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.some((w) => w !== "workspace" && w !== "revoke"))
        return usage("I did not understand that.");
      return {
        op,
        scope: words.includes("workspace") ? "workspace" : "mine",
        revoke: words.includes("revoke"),
      };
    }
    case "handover":
      if (people.length !== 2)
        return usage("Mention the person handing over, then the one taking over.");
      return { op, from: people[0]!, to: people[1]! };
    default:
      if (!name) return usage("Which cadence?");
      return { op: op as "pause" | "resume" | "done", cadence: name };
  }
}

/** Workspace settings: `sales`, `marketing`, `sla`, `threshold`, `picklist`. */
function parseSetting(op: string, args: string): CadenceIntent | null {
  const usage = (problem: string): CadenceIntent => ({
    op: "usage",
    problem: `${problem} Usage: ${USAGE[op]}`,
  });
  const change = (c: SettingChange): CadenceIntent => ({ op: "setting", change: c });
  switch (op) {
    case "sales": {
      const group = USER_GROUP_MENTION.exec(args)?.[1];
      const channel = CHANNEL_MENTION.exec(args)?.[1];
      if (group) return change({ setting: "sales", userGroupId: group });
      if (channel) return change({ setting: "sales", channelId: channel });
      return usage("Mention the sales team's @user-group or #channel.");
    }
    case "marketing": {
      const channel = CHANNEL_MENTION.exec(args)?.[1];
      return channel
        ? change({ setting: "marketing", channelId: channel })
        : usage("Mention the #channel.");
    }
    case "sla": {
      const minutes = Number(args.replace(/\s*min(ute)?s?$/i, ""));
      return Number.isFinite(minutes) && minutes > 0 && minutes <= 1440
        ? change({ setting: "sla", minutes })
        : usage("Give the SLA in minutes, e.g. 5.");
    }
    case "threshold": {
      const percent = Number(args.replace(/%$/, ""));
      return Number.isFinite(percent) && percent > 0 && percent < 100
        ? change({ setting: "threshold", rate: percent / 100 })
        : usage("Give a percentage between 1 and 99, e.g. 30.");
    }
    case "picklist": {
      if (!args) return change({ setting: "picklist" });
      const [list = "", action = "", ...rest] = args.split(/\s+/);
      const value = rest.join(" ").trim();
      if (!(PICKLISTS as readonly string[]).includes(list))
        return usage(`Which list: ${PICKLISTS.join(", ")}?`);
      if ((action !== "add" && action !== "remove") || !value)
        return usage("Say `add` or `remove`, then the value.");
      return change({ setting: "picklist", list: list as PicklistName, action, value });
    }
    default:
      return null;
  }
}
