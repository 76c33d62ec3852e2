// Opening the quarter's diagnostic when its cadence fires: the members of the marketing and sales
// user groups the admin set are invited (once per workspace and quarter), the reminder and the
// close are set in working days, and the cadence's post says who was asked. The DMs themselves go
// out through the diagnostic duty (./steps.ts), each exactly once.
import type { WebClient } from "@slack/web-api";
import type { FiringDeps } from "../cadences/firing-deps.js";
import type { Db } from "../db/client.js";
import { settingsOf } from "../workspaces/settings.js";
import {
  REMINDER_WORKING_DAYS,
  WINDOW_WORKING_DAYS,
  addWorkingDays,
  quarterOf,
  SIDES,
  type Side,
} from "./rules.js";
import { deliverAsks } from "./steps.js";
import { createRound, participation } from "./store.js";
import { openedMessage, type Message } from "./views.js";

/**
 * Slack's answers to usergroups.users.list meaning the group is gone or cannot be read with this
 * install (deleted or disabled, a scope not granted, a plan without user groups). Any other error
 * (a 500, a rate limit, the network) is passing: the firing fails and the scheduler retries it.
 */
export const UNREADABLE_GROUP_ERRORS: ReadonlySet<string> = new Set([
  "no_such_subteam",
  "subteam_not_found",
  "missing_scope",
  "not_allowed_token_type",
  "paid_teams_only",
  "plan_upgrade_required",
]);

const slackErrorCode = (error: unknown): string | undefined =>
  (error as { data?: { error?: unknown } } | null)?.data?.error as string | undefined;

/** A group's members; a group Slack cannot list (deleted, disabled) asks nobody, and says so. */
async function groupMembers(
  slack: WebClient,
  userGroupId: string | undefined,
): Promise<{ members: string[]; unreadable: boolean }> {
  if (!userGroupId) return { members: [], unreadable: false };
  try {
    const answer = await slack.usergroups.users.list({ usergroup: userGroupId });
    return { members: answer.users ?? [], unreadable: false };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code && UNREADABLE_GROUP_ERRORS.has(code)) return { members: [], unreadable: true };
    throw error;
  }
}

/**
 * Who is asked, by side: the two user groups' members, never a bot or Cadence itself. Someone in
 * both groups is asked once, with marketing.
 */
export async function diagnosticInvitees(
  slack: WebClient,
  db: Db,
  slackTeamId: string,
): Promise<{
  invites: Array<{ slackUserId: string; side: Side }>;
  missing: Side[];
  unreadable: Side[];
}> {
  const workspace = await db.workspace.findUniqueOrThrow({ where: { slackTeamId } });
  const settings = settingsOf(workspace);
  const groups = {
    marketing: await groupMembers(slack, settings.marketingUserGroupId),
    sales: await groupMembers(slack, settings.salesUserGroupId),
  };
  const marketing = groups.marketing.members;
  const sales = groups.sales.members;
  const bots = await db.person.findMany({
    where: { slackTeamId, slackUserId: { in: [...marketing, ...sales] }, isBot: true },
    select: { slackUserId: true },
  });
  const skip = new Set([...bots.map((b) => b.slackUserId), workspace.botUserId ?? ""]);
  const sides = new Map<string, Side>();
  for (const id of marketing) if (!skip.has(id)) sides.set(id, "marketing");
  for (const id of sales) if (!skip.has(id) && !sides.has(id)) sides.set(id, "sales");
  const missing: Side[] = [];
  if (!settings.marketingUserGroupId) missing.push("marketing");
  if (!settings.salesUserGroupId) missing.push("sales");
  return {
    invites: [...sides].map(([slackUserId, side]) => ({ slackUserId, side })),
    missing,
    unreadable: SIDES.filter((side) => groups[side].unreadable),
  };
}

/**
 * Opens the quarter's diagnostic (a second firing in the same quarter finds the first) and
 * returns the cadence's post; its afterPost sends the DMs at once rather than at the next sweep.
 */
export async function openDiagnostic(
  deps: FiringDeps,
  input: { slackTeamId: string; cadenceId: string; dueAt: Date; driSlackUserId: string | null },
): Promise<Message & { afterPost: () => Promise<void> }> {
  const workspace = await deps.db.workspace.findUniqueOrThrow({
    where: { slackTeamId: input.slackTeamId },
  });
  const timezone = workspace.timezone;
  const holidays = new Set(
    (
      await deps.db.holiday.findMany({
        where: { slackTeamId: input.slackTeamId },
        select: { date: true },
      })
    ).map((h) => h.date),
  );
  const slack = await deps.slack.forWorkspace(input.slackTeamId);
  if (!slack) throw new Error(`Cadence is not installed in ${input.slackTeamId}`);
  const { invites, missing, unreadable } = await diagnosticInvitees(
    slack,
    deps.db,
    input.slackTeamId,
  );
  const openedAt = input.dueAt;
  const { round } = await createRound(deps.db, {
    slackTeamId: input.slackTeamId,
    quarter: quarterOf(openedAt, timezone),
    cadenceId: input.cadenceId,
    openedAt,
    remindAt: addWorkingDays(openedAt, REMINDER_WORKING_DAYS, timezone, holidays),
    closesAt: addWorkingDays(openedAt, WINDOW_WORKING_DAYS, timezone, holidays),
    invites,
  });
  const asked = await participation(deps.db, round.id);
  return {
    ...openedMessage({
      quarter: round.quarter,
      closesAt: round.closesAt,
      timezone,
      asked: { marketing: asked.marketing.asked, sales: asked.sales.asked },
      missingGroups: missing,
      unreadableGroups: unreadable,
      driSlackUserId: input.driSlackUserId,
    }),
    afterPost: () => deliverAsks(deps, round, timezone),
  };
}
