// The calendar (ICS) feed: every upcoming occurrence of a workspace's cadences, or of one
// person's, with the DRI's name in the event, so the rituals sit in the calendars people use.
// Pure: takes cadences and names, returns the ICS text.
import { createHash, randomBytes } from "node:crypto";
import ical from "ical-generator";
import { purposeOf } from "../cadences/kinds.js";
import { occurrencesBetween, type Recurrence } from "../cadences/recurrence.js";

/** How far ahead the feed looks, and how long each event lasts. */
export const FEED_HORIZON_DAYS = 180;
export const EVENT_MINUTES = 30;

export interface FeedCadence {
  id: string;
  title: string;
  kind: string;
  recurrence: Recurrence;
  timezone: string;
  nextDueAt: Date | null;
  lastCompletedAt: Date | null;
  driSlackUserId: string | null;
  backupSlackUserId: string | null;
}

/** The secret in a feed URL: 32 random bytes. Only its hash is stored. */
export function newFeedToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashFeedToken(token) };
}

export function hashFeedToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Upcoming due dates: from the next one the scheduler knows, through the horizon. */
export function upcomingDates(cadence: FeedCadence, now: Date): Date[] {
  if (!cadence.nextDueAt) return [];
  const until = new Date(now.getTime() + FEED_HORIZON_DAYS * 86_400_000);
  if (cadence.recurrence.kind === "after-completion")
    return cadence.nextDueAt < until ? [cadence.nextDueAt] : [];
  // The next one may be off the rule's grid (snoozed); the ones after it follow the rule again.
  const first = cadence.nextDueAt;
  return [
    first,
    ...occurrencesBetween(
      cadence.recurrence,
      new Date(first.getTime() + 1),
      until,
      cadence.timezone,
    ),
  ];
}

export function renderFeed(input: {
  name: string;
  cadences: FeedCadence[];
  nameOf: (slackUserId: string) => string;
  now: Date;
}): string {
  const calendar = ical({
    name: input.name,
    prodId: { company: "cadence", product: "cadence", language: "EN" },
    ttl: 3600,
  });
  for (const cadence of input.cadences) {
    const dri = cadence.driSlackUserId ? input.nameOf(cadence.driSlackUserId) : "no DRI yet";
    const backup = cadence.backupSlackUserId ? input.nameOf(cadence.backupSlackUserId) : "none";
    const description = [`DRI: ${dri}`, `Backup: ${backup}`, purposeOf(cadence.kind) ?? ""]
      .filter(Boolean)
      .join("\n");
    for (const start of upcomingDates(cadence, input.now)) {
      calendar.createEvent({
        id: `${cadence.id}-${start.getTime()}@cadence`,
        start,
        end: new Date(start.getTime() + EVENT_MINUTES * 60_000),
        stamp: input.now,
        summary: `${cadence.title} (DRI: ${dri})`,
        description,
      });
    }
  }
  return calendar.toString();
}
