// Use cases: recording the workspace the bot runs in, and keeping people current.
import type { Db } from "../db/client.js";
import type { Clock } from "../clock.js";
import type { WebClient } from "@slack/web-api";
import {
  personFromSlackUser,
  SlackUserSchema,
  type PersonProfile,
  type SlackUser,
} from "./rules.js";
import { findPerson, upsertPerson, upsertWorkspace, type WorkspaceIdentity } from "./store.js";

export async function recordWorkspace(
  db: Db,
  identity: WorkspaceIdentity,
  defaultTimezone: string,
) {
  return upsertWorkspace(db, identity, defaultTimezone);
}

export interface PersonSyncResult {
  slackUserId: string;
  /** True when this change turned an active person inactive: later features hand over their work. */
  deactivated: boolean;
}

/** Stores what Slack says of a member; ignores teams the bot does not know (shared channels). */
export async function syncPerson(
  db: Db,
  clock: Clock,
  slackTeamId: string,
  user: SlackUser,
): Promise<PersonSyncResult | null> {
  const workspace = await db.workspace.findUnique({ where: { slackTeamId } });
  if (!workspace) return null;
  const profile = personFromSlackUser(user);
  const before = await findPerson(db, slackTeamId, profile.slackUserId);
  await upsertPerson(db, slackTeamId, profile, clock.now());
  return {
    slackUserId: profile.slackUserId,
    deactivated: Boolean(before?.active) && !profile.active,
  };
}

/**
 * What Slack says of a member now (users.info), stored as it comes. Used to check who may change
 * a cadence and that a new DRI is an active person. Null when Slack does not know the id.
 */
export async function lookUpPerson(
  db: Db,
  clock: Clock,
  slack: WebClient,
  slackTeamId: string,
  slackUserId: string,
): Promise<PersonProfile | null> {
  const answer = await slack.users.info({ user: slackUserId }).catch((error: unknown) => {
    if ((error as { data?: { error?: string } }).data?.error === "user_not_found") return null;
    throw error;
  });
  const user = SlackUserSchema.safeParse(answer?.user);
  if (!user.success) return null;
  const profile = personFromSlackUser(user.data);
  if (await db.workspace.findUnique({ where: { slackTeamId } }))
    await upsertPerson(db, slackTeamId, profile, clock.now());
  return profile;
}
