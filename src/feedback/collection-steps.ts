// The scheduler's feedback duty (registered in src/main.ts): two days before a collection's
// deadline, one reminder to the AEs still missing; on the deadline, the participation report to
// the DRI and the roll-up to marketing and the DRI. Each message is delivered once across replicas
// by its claim key; a step's timestamp is set only after its messages were delivered.
import type { KnownBlock } from "@slack/types";
import { z } from "zod";
import type { FiringDeps } from "../cadences/firing.js";
import type { Db } from "../db/client.js";
import { workFinished } from "../scheduler/claims.js";
import { deliverOnce, type DeliveryFailure } from "../scheduler/deliver-once.js";
import { fallbackText, section } from "../slack/blocks.js";
import { settingsOf } from "../workspaces/settings.js";
import { askBlocks, SUMMARY_TIMEOUT_MS } from "./collection.js";
import { buildRollUp, type RollUp } from "./rollup.js";
import { rollUpBlocks } from "./rollup-views.js";
import { REMINDER_BEFORE_MS, monthLabel, type FeedbackKind } from "./rules.js";
import { notesOf, submitters } from "./store.js";
import { summariseThemes, type ThemeSummary } from "./summary.js";

const askedOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** Marks a step done once all its deliveries finished (delivered, or given up and logged). */
async function markStepWhenDelivered(
  deps: FiringDeps,
  id: string,
  step: "reminderSentAt" | "participationSentAt",
  keys: string[],
): Promise<void> {
  if (!(await workFinished(deps.db, keys))) return;
  await deps.db.feedbackCollection.updateMany({
    where: { id, [step]: null },
    data: { [step]: deps.clock.now() },
  });
}

const logGaveUp =
  (deps: FiringDeps, collectionId: string) =>
  (failure: DeliveryFailure): Promise<void> => {
    deps.logger.warn({ collectionId, ...failure }, "a feedback message could not be delivered");
    return Promise.resolve();
  };

/**
 * The scheduler's feedback duty: reminders two days before, and the deadline's reports. Each
 * message is delivered once by key; a step is marked done only after its messages went out.
 */
export async function runFeedbackDuties(deps: FiringDeps): Promise<void> {
  const now = deps.clock.now();
  const open = await deps.db.feedbackCollection.findMany({
    where: {
      OR: [
        {
          reminderSentAt: null,
          deadline: { lte: new Date(now.getTime() + REMINDER_BEFORE_MS), gt: now },
        },
        { rollUpPostedAt: null, deadline: { lte: now } },
      ],
    },
  });
  await Promise.all(
    open.map((collection) =>
      runCollectionSteps(deps, collection, now).catch((error: unknown) =>
        deps.logger.error(
          { err: error, collectionId: collection.id },
          "a feedback collection step failed",
        ),
      ),
    ),
  );
}

async function runCollectionSteps(
  deps: FiringDeps,
  collection: Awaited<ReturnType<Db["feedbackCollection"]["findMany"]>>[number],
  now: Date,
): Promise<void> {
  const kind = collection.kind as FeedbackKind;
  const cadence = await deps.db.cadence.findUnique({ where: { id: collection.cadenceId } });
  const timezone = cadence?.timezone ?? "UTC";
  const done = await submitters(deps.db, collection.slackTeamId, collection.month, kind);
  const asked = askedOf(collection.askedUserIds);
  const onGaveUp = logGaveUp(deps, collection.id);
  if (collection.deadline > now) {
    const missing = asked.filter((id) => !done.has(id));
    const keys = missing.map((userId) => `feedback-remind:${collection.id}:${userId}`);
    const blocks = askBlocks(kind, collection.month, collection.deadline, timezone, true);
    await Promise.all(
      missing.map((userId, i) =>
        deliverOnce(deps, {
          key: keys[i]!,
          slackTeamId: collection.slackTeamId,
          target: userId,
          message: () => Promise.resolve({ text: fallbackText(blocks), blocks }),
          onDelivered: () => Promise.resolve(),
          onGaveUp,
        }),
      ),
    );
    await markStepWhenDelivered(deps, collection.id, "reminderSentAt", keys);
    return;
  }
  const dri = cadence?.driSlackUserId ?? null;
  if (collection.participationSentAt === null) {
    const keys = dri ? [`feedback-participation:${collection.id}`] : [];
    if (dri)
      await deliverOnce(deps, {
        key: keys[0]!,
        slackTeamId: collection.slackTeamId,
        target: dri,
        message: () => Promise.resolve(participation(collection.month, kind, asked, done)),
        onDelivered: () => Promise.resolve(),
        onGaveUp,
      });
    await markStepWhenDelivered(deps, collection.id, "participationSentAt", keys);
  }
  await postRollUp(deps, { ...collection, kind, timezone, dri });
}

function participation(month: string, kind: FeedbackKind, asked: string[], done: Set<string>) {
  const sent = [...done];
  const missing = asked.filter((id) => !done.has(id));
  const people = (ids: string[]) =>
    ids.length ? ids.map((id) => `<@${id}>`).join(", ") : "nobody";
  const blocks: KnownBlock[] = [
    section(
      `:clipboard: *${kind === "winloss" ? "Win/loss" : "Content in the wild"} for ${monthLabel(month)}* closed: ${sent.length} of ${new Set([...asked, ...sent]).size} AEs sent a note.`,
    ),
    section(`*Sent:* ${people(sent)}\n*Not yet:* ${people(missing)}`),
  ];
  return { text: fallbackText(blocks), blocks };
}

/** What was stored: the roll-up and its summary, computed once. */
const StoredRollUpSchema = z.object({
  rollUp: z.custom<RollUp>(),
  summary: z.custom<ThemeSummary>(),
});

/**
 * Builds the month's roll-up and its summary (a language model when configured, else computed)
 * once and stores them; then posts them to the marketing channel and the DRI, each exactly once
 * (a failed post is retried on the next sweep from what was stored, never recomputed).
 */
async function postRollUp(
  deps: FiringDeps,
  collection: {
    id: string;
    slackTeamId: string;
    month: string;
    kind: FeedbackKind;
    timezone: string;
    dri: string | null;
    summarySource: string | null;
  },
): Promise<void> {
  if (collection.summarySource === null) {
    const notes = await notesOf(deps.db, collection.slackTeamId, collection.month, collection.kind);
    const rollUp = buildRollUp(collection.month, notes);
    const people = (
      await deps.db.person.findMany({
        where: { slackTeamId: collection.slackTeamId },
        select: { name: true, displayName: true },
      })
    )
      .flatMap((p) => [p.name, p.displayName ?? ""])
      .filter(Boolean);
    const summary = await summariseThemes(
      rollUp,
      notes,
      deps.summary ?? { model: "none", timeoutMs: SUMMARY_TIMEOUT_MS },
      people,
    );
    // Stored by whoever gets here first; a replica that computed one too keeps the first.
    await deps.db.feedbackCollection.updateMany({
      where: { id: collection.id, summarySource: null },
      data: {
        rollUp: JSON.parse(JSON.stringify({ rollUp, summary })) as object,
        summarySource: summary.source,
      },
    });
  }
  const stored = await deps.db.feedbackCollection.findUniqueOrThrow({
    where: { id: collection.id },
  });
  const { rollUp, summary } = StoredRollUpSchema.parse(stored.rollUp);
  const blocks = rollUpBlocks(rollUp, summary, {
    monthLabel: monthLabel(collection.month),
    driSlackUserId: collection.dri,
  });
  const workspace = await deps.db.workspace.findUniqueOrThrow({
    where: { slackTeamId: collection.slackTeamId },
  });
  const targets = [settingsOf(workspace).marketingChannelId, collection.dri].filter(
    (t): t is string => Boolean(t),
  );
  const keys = [...new Set(targets)].map((target) => ({
    target,
    key: `feedback-rollup:${collection.id}:${target}`,
  }));
  await Promise.all(
    keys.map(({ target, key }) =>
      deliverOnce(deps, {
        key,
        slackTeamId: collection.slackTeamId,
        target,
        message: () => Promise.resolve({ text: fallbackText(blocks), blocks }),
        onDelivered: () => Promise.resolve(),
        onGaveUp: logGaveUp(deps, collection.id),
      }),
    ),
  );
  // Done when every post finished (here or by another replica); otherwise the next sweep retries.
  if (
    await workFinished(
      deps.db,
      keys.map((k) => k.key),
    )
  )
    await deps.db.feedbackCollection.update({
      where: { id: collection.id },
      data: { rollUpPostedAt: deps.clock.now() },
    });
}
