// The monthly collection, fired by the win/loss and content cadences: every AE in the sales group
// (or channel) who has not sent a note this month gets a DM with a button that opens the modal;
// two days before the deadline those still missing get one reminder; on the deadline the DRI gets
// who has and who has not, and the roll-up goes to marketing and the DRI (the reminder and the
// deadline's steps are the scheduler's feedback duty, src/feedback/collection-steps.ts).
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { DateTime } from "luxon";
import type { FiringDeps } from "../cadences/firing-deps.js";
import { formatInstant } from "../cadences/views.js";
import type { Db } from "../db/client.js";
import { context, fallbackText, section } from "../slack/blocks.js";
import { settingsOf } from "../workspaces/settings.js";
import { OPEN_CONTENT, OPEN_WINLOSS } from "./listeners.js";
import { DEFAULT_FEEDBACK_DAYS, monthLabel, monthOf, type FeedbackKind } from "./rules.js";
import { submitters } from "./store.js";

export const SUMMARY_TIMEOUT_MS = 20_000;

const ASK: Record<FeedbackKind, { what: string; button: string; actionId: string }> = {
  winloss: {
    what: "a win/loss note on a deal you closed or lost",
    button: "Log a win/loss note",
    actionId: OPEN_WINLOSS,
  },
  content: {
    what: "which asset you used in a deal and how it landed",
    button: "Log content feedback",
    actionId: OPEN_CONTENT,
  },
};

/** The AEs to ask: the sales user group's members, else the sales channel's; never bots or Cadence. */
export async function salesTeam(slack: WebClient, db: Db, slackTeamId: string): Promise<string[]> {
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slackTeamId } });
  const settings = settingsOf(workspace);
  let members: string[] = [];
  if (settings.salesUserGroupId) {
    const answer = await slack.usergroups.users.list({ usergroup: settings.salesUserGroupId });
    members = answer.users ?? [];
  } else if (settings.salesChannelId) {
    let cursor: string | undefined;
    do {
      const page = await slack.conversations.members({
        channel: settings.salesChannelId,
        cursor,
        limit: 500,
      });
      members.push(...(page.members ?? []));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
  }
  const bots = await db.person.findMany({
    where: { slackTeamId, slackUserId: { in: members }, isBot: true },
    select: { slackUserId: true },
  });
  const skip = new Set([...bots.map((b) => b.slackUserId), workspace.botUserId ?? ""]);
  return [...new Set(members)].filter((id) => !skip.has(id));
}

export function askBlocks(
  kind: FeedbackKind,
  month: string,
  deadline: Date,
  timezone: string,
  reminder: boolean,
): KnownBlock[] {
  const ask = ASK[kind];
  return [
    section(
      reminder
        ? `:wave: Reminder: marketing still needs ${ask.what} for *${monthLabel(month)}*. Two days left (until ${formatInstant(deadline, timezone)}); it takes under a minute.`
        : `:wave: Marketing is collecting field feedback for *${monthLabel(month)}*: please send ${ask.what}. It takes under a minute; due ${formatInstant(deadline, timezone)}.`,
    ),
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: ask.actionId,
          style: "primary",
          text: { type: "plain_text", text: ask.button },
        },
      ],
    },
  ];
}

/**
 * Opens the month's collection when the cadence fires (once per workspace, kind and month) and
 * DMs every AE who has not sent a note this month. Returns the cadence's own post.
 */
export async function openCollection(
  deps: FiringDeps,
  input: {
    slackTeamId: string;
    kind: FeedbackKind;
    cadenceId: string;
    dueAt: Date;
    timezone: string;
    driSlackUserId: string | null;
  },
): Promise<{ text: string; blocks: KnownBlock[] }> {
  const workspace = await deps.db.workspace.findUniqueOrThrow({
    where: { slackTeamId: input.slackTeamId },
  });
  const days = settingsOf(workspace).feedbackDays ?? DEFAULT_FEEDBACK_DAYS;
  const month = monthOf(input.dueAt, input.timezone);
  const deadline = DateTime.fromJSDate(input.dueAt, { zone: input.timezone })
    .plus({ days })
    .toJSDate();
  const slack = await deps.slack.forWorkspace(input.slackTeamId);
  // Asked while posting: the delivery found the workspace installed a moment ago.
  if (!slack) throw new Error("Cadence is not installed in this workspace any more");
  const team = await salesTeam(slack, deps.db, input.slackTeamId);
  const done = await submitters(deps.db, input.slackTeamId, month, input.kind);
  const asked = team.filter((id) => !done.has(id));
  const existing = await deps.db.feedbackCollection.findUnique({
    where: { slackTeamId_kind_month: { slackTeamId: input.slackTeamId, kind: input.kind, month } },
  });
  if (!existing) {
    await deps.db.feedbackCollection.create({
      data: {
        slackTeamId: input.slackTeamId,
        kind: input.kind,
        month,
        cadenceId: input.cadenceId,
        deadline,
        askedUserIds: asked,
      },
    });
    // Side by side, each bounded by the client's timeout: one slow DM does not hold up the rest.
    const blocks = askBlocks(input.kind, month, deadline, input.timezone, false);
    await Promise.all(
      asked.map((userId) =>
        slack.chat
          .postMessage({ channel: userId, text: fallbackText(blocks), blocks })
          .catch((error: unknown) =>
            deps.logger.warn({ err: error, userId }, "could not ask an AE for feedback"),
          ),
      ),
    );
  }
  const noTeam = team.length === 0;
  const blocks: KnownBlock[] = [
    section(
      `:memo: *${input.kind === "winloss" ? "Win/loss" : "Content in the wild"} for ${monthLabel(month)}* is open until ${formatInstant(deadline, input.timezone)}.` +
        (noTeam
          ? "\nNobody was asked: tell Cadence who the AEs are with `/cadence sales @sales-team` (a user group) or `/cadence sales #sales` (a channel)."
          : `\nAsked ${asked.length} AE${asked.length === 1 ? "" : "s"} by DM${done.size ? `; ${done.size} had already sent one` : ""}. Anyone can add one any time with \`/${input.kind === "winloss" ? "winloss" : "content"}\`.`),
    ),
    context(input.driSlackUserId ? `DRI: <@${input.driSlackUserId}>` : "No DRI yet"),
  ];
  return { text: fallbackText(blocks), blocks };
}
