// Calendar feeds: creating a secret URL for a person or the workspace, revoking it, and serving it.
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { isCadenceAdmin, type Actor } from "../cadences/rules.js";
import { loadSchedules } from "../cadences/store.js";
import { refuse, type Result } from "../refusals.js";
import { hashFeedToken, newFeedToken, renderFeed } from "./feed.js";

export interface CalendarDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  /** Where people reach Cadence over HTTP, e.g. https://cadence.example.com */
  publicUrl: string;
}

export const feedUrl = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/$/, "")}/calendar/${token}.ics`;

/**
 * A new feed URL for the person (or, for admins, the whole workspace). An earlier feed of the same
 * scope is revoked, so a leaked URL is fixed by asking again.
 */
export async function createFeed(
  deps: CalendarDeps,
  slackTeamId: string,
  actor: Actor,
  scope: "mine" | "workspace",
): Promise<Result<{ url: string }>> {
  if (scope === "workspace" && !isCadenceAdmin(actor, deps.adminUserIds))
    return refuse("not-admin-feed");
  const slackUserId = scope === "mine" ? actor.slackUserId : null;
  const now = deps.clock.now();
  const { token, tokenHash } = newFeedToken();
  await deps.db.$transaction([
    deps.db.calendarFeed.updateMany({
      where: { slackTeamId, slackUserId, revokedAt: null },
      data: { revokedAt: now },
    }),
    deps.db.calendarFeed.create({
      data: { slackTeamId, slackUserId, tokenHash, createdBySlackUserId: actor.slackUserId },
    }),
  ]);
  return { ok: true, url: feedUrl(deps.publicUrl, token) };
}

export async function revokeFeeds(
  deps: CalendarDeps,
  slackTeamId: string,
  actor: Actor,
  scope: "mine" | "workspace",
): Promise<Result<{ message: string }>> {
  if (scope === "workspace" && !isCadenceAdmin(actor, deps.adminUserIds))
    return refuse("not-admin-feed-revoke");
  const { count } = await deps.db.calendarFeed.updateMany({
    where: {
      slackTeamId,
      slackUserId: scope === "mine" ? actor.slackUserId : null,
      revokedAt: null,
    },
    data: { revokedAt: deps.clock.now() },
  });
  const message = count
    ? `Revoked: the old calendar URL no longer works.`
    : "There was no calendar feed to revoke.";
  return { ok: true, message };
}

/** The ICS text for a feed token, or null when the token is unknown or revoked. */
export async function serveFeed(
  deps: Pick<CalendarDeps, "db" | "clock">,
  token: string,
): Promise<string | null> {
  const feed = await deps.db.calendarFeed.findUnique({
    where: { tokenHash: hashFeedToken(token) },
    include: { workspace: true },
  });
  if (!feed || feed.revokedAt) return null;
  const cadences = await deps.db.cadence.findMany({
    where: {
      slackTeamId: feed.slackTeamId,
      active: true,
      archivedAt: null,
      ...(feed.slackUserId
        ? { OR: [{ driSlackUserId: feed.slackUserId }, { backupSlackUserId: feed.slackUserId }] }
        : {}),
    },
  });
  const people = await deps.db.person.findMany({
    where: { slackTeamId: feed.slackTeamId },
    select: { slackUserId: true, name: true },
  });
  const names = new Map(people.map((p) => [p.slackUserId, p.name]));
  const now = deps.clock.now();
  const schedules = await loadSchedules(deps.db, cadences, now);
  const reasons = await deps.db.occurrence.findMany({
    where: {
      cadenceId: { in: cadences.map((c) => c.id) },
      status: { in: ["skipped", "moved"] },
      note: { not: null },
      OR: [{ dueAt: { gte: now } }, { movedToAt: { gte: now } }],
    },
    select: { cadenceId: true, dueAt: true, note: true },
  });
  const notesOf = (cadenceId: string) =>
    new Map(
      reasons.filter((r) => r.cadenceId === cadenceId).map((r) => [r.dueAt.getTime(), r.note!]),
    );
  return renderFeed({
    name: feed.slackUserId
      ? `Cadence: ${names.get(feed.slackUserId) ?? "my cadences"}`
      : `Cadence: ${feed.workspace.name}`,
    cadences: cadences.map((c) => ({
      ...c,
      schedule: schedules.get(c.id)!,
      notes: notesOf(c.id),
    })),
    nameOf: (id) => names.get(id) ?? id,
    now,
  });
}
