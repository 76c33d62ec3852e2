// What Cadence keeps about a Slack member, read from the user object Slack sends in users.info,
// user_change and team_join. Pure: no Slack client, no database.
import { z } from "zod";

export const SlackUserSchema = z.object({
  id: z.string().regex(/^[UW][A-Z0-9]+$/),
  team_id: z.string().optional(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  is_admin: z.boolean().optional(),
  is_owner: z.boolean().optional(),
  is_primary_owner: z.boolean().optional(),
  tz: z.string().nullish(),
  profile: z
    .object({
      real_name: z.string().optional(),
      display_name: z.string().optional(),
      email: z.string().optional(),
    })
    .optional(),
});
export type SlackUser = z.infer<typeof SlackUserSchema>;

export interface PersonProfile {
  slackUserId: string;
  name: string;
  displayName: string | null;
  email: string | null;
  timezone: string | null;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  active: boolean;
}

/** A workspace admin or owner, as Slack says (an unknown person is neither). */
export const isWorkspaceAdmin = (person: Pick<PersonProfile, "isAdmin" | "isOwner"> | null) =>
  Boolean(person?.isAdmin || person?.isOwner);

const nonEmpty = (value: string | undefined | null): string | null =>
  value && value.trim() !== "" ? value.trim() : null;

export function personFromSlackUser(user: SlackUser): PersonProfile {
  const displayName = nonEmpty(user.profile?.display_name);
  return {
    slackUserId: user.id,
    name:
      nonEmpty(user.profile?.real_name) ??
      nonEmpty(user.real_name) ??
      displayName ??
      nonEmpty(user.name) ??
      user.id,
    displayName,
    email: nonEmpty(user.profile?.email)?.toLowerCase() ?? null,
    timezone: nonEmpty(user.tz),
    isAdmin: Boolean(user.is_admin),
    isOwner: Boolean(user.is_owner || user.is_primary_owner),
    isBot: Boolean(user.is_bot) || user.id === "USLACKBOT",
    active: !user.deleted,
  };
}

/** The team a user event belongs to: the user's own team, else the event's. */
export function teamOfUser(user: SlackUser, eventTeamId: string | undefined): string | undefined {
  return user.team_id ?? eventTeamId;
}
