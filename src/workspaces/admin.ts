// Workspace settings an admin changes from Slack: who the AEs are, where the feedback roll-up
// goes, the speed-to-lead SLA, the MQL rejection threshold and the feedback picklists.
import { isCadenceAdmin, type Actor } from "../cadences/rules.js";
import type { Db } from "../db/client.js";
import { refuse, type Result } from "../refusals.js";
import { picklistsOf } from "../feedback/rules.js";
import { settingsOf, updateSettings, type WorkspaceSettings } from "./settings.js";
import { escapeInline } from "../slack/mrkdwn.js";

export const PICKLISTS = ["win-reasons", "loss-reasons", "competitors", "assets"] as const;
export type PicklistName = (typeof PICKLISTS)[number];

export type SettingChange =
  | { setting: "sales"; userGroupId?: string; channelId?: string }
  | { setting: "marketing"; channelId?: string; userGroupId?: string }
  | { setting: "sla"; minutes: number }
  | { setting: "threshold"; rate: number }
  | { setting: "picklist"; list?: PicklistName; action?: "add" | "remove"; value?: string };

const KEY: Record<PicklistName, "winReasons" | "lossReasons" | "competitors" | "assets"> = {
  "win-reasons": "winReasons",
  "loss-reasons": "lossReasons",
  competitors: "competitors",
  assets: "assets",
};

/** Changes one setting (admins only), or describes the picklists; says what it did. */
export async function changeSetting(
  deps: { db: Db; adminUserIds: readonly string[] },
  slackTeamId: string,
  actor: Actor,
  change: SettingChange,
): Promise<Result<{ message: string }>> {
  const workspace = await deps.db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) return refuse("unknown-workspace");
  const settings = settingsOf(workspace);
  if (change.setting === "picklist" && !change.action)
    return { ok: true, message: describePicklists(settings) };
  if (!isCadenceAdmin(actor, deps.adminUserIds)) return refuse("not-admin");
  return { ok: true, message: await applySetting(deps.db, slackTeamId, settings, change) };
}

async function applySetting(
  db: Db,
  slackTeamId: string,
  settings: WorkspaceSettings,
  change: SettingChange,
): Promise<string> {
  const save = (patch: Partial<WorkspaceSettings>) => updateSettings(db, slackTeamId, patch);
  switch (change.setting) {
    case "sales":
      await save({ salesUserGroupId: change.userGroupId, salesChannelId: change.channelId });
      return change.userGroupId
        ? `Monthly feedback requests and the quarterly alignment diagnostic will go to the members of <!subteam^${change.userGroupId}>.`
        : `Monthly feedback requests will go to the members of <#${change.channelId}>.`;
    case "marketing":
      if (change.userGroupId) {
        await save({ marketingUserGroupId: change.userGroupId });
        return `The quarterly alignment diagnostic will ask the members of <!subteam^${change.userGroupId}> as marketing.`;
      }
      await save({ marketingChannelId: change.channelId });
      return `The monthly feedback roll-up will be posted in <#${change.channelId}> (and sent to the cadence's DRI).`;
    case "sla":
      await save({ slaMinutes: change.minutes });
      return `Speed to lead is now measured against a ${change.minutes}-minute SLA.`;
    case "threshold":
      await save({ rejectionThreshold: change.rate });
      return `The MQL review is now flagged when rejections stay above ${Math.round(change.rate * 100)}% two months running.`;
    case "picklist": {
      const list = change.list!;
      const value = change.value!.trim();
      const lists = picklistsOf(settings);
      if (list === "assets") {
        const [name = "", url] = value.split(/\s+(?=https?:\/\/)/);
        const others = lists.assets.filter((a) => a.name.toLowerCase() !== name.toLowerCase());
        const assets =
          change.action === "add" ? [...others, url ? { name, url } : { name }] : others;
        await save({ assets });
        return `${change.action === "add" ? "Added" : "Removed"} *${escapeInline(name)}* ${change.action === "add" ? "to" : "from"} the asset catalogue (${assets.length} assets).`;
      }
      const key = KEY[list] as "winReasons" | "lossReasons" | "competitors";
      const others = lists[key].filter((item) => item.toLowerCase() !== value.toLowerCase());
      const next = change.action === "add" ? [...others, value] : others;
      await save({ [key]: next });
      return `${change.action === "add" ? "Added" : "Removed"} *${escapeInline(value)}* ${change.action === "add" ? "to" : "from"} ${list} (${next.length} in the list).`;
    }
  }
}

function describePicklists(settings: WorkspaceSettings): string {
  const lists = picklistsOf(settings);
  const show = (items: string[]) =>
    items.length ? items.map((item) => escapeInline(item)).join(", ") : "(empty)";
  return [
    `*Win reasons:* ${show(lists.winReasons)}`,
    `*Loss reasons:* ${show(lists.lossReasons)}`,
    `*Competitors:* ${show(lists.competitors)}`,
    `*Assets:* ${show(lists.assets.map((a) => (a.url ? `${a.name} (${a.url})` : a.name)))}`,
    "Change one with `/cadence picklist &lt;win-reasons|loss-reasons|competitors|assets&gt; add|remove &lt;value&gt;` (an asset may end with its link).",
  ].join("\n");
}
