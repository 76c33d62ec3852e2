// The scheduler's diagnostic duty (registered in src/main.ts): the invitations' DMs, one reminder
// after three working days to those who have not answered, and on closing the results to the
// cadence's channel and its DRI. Each message is delivered once across replicas by its claim key;
// a step's timestamp is set only after all its messages were delivered (or given up and logged).
import type { FiringDeps } from "../cadences/firing-deps.js";
import { workFinished } from "../scheduler/claims.js";
import { deliverOnce, type DeliveryFailure } from "../scheduler/deliver-once.js";
import { workspaceTimezone } from "../workspaces/store.js";
import { computeRoundResults, storedResults } from "./closing.js";
import { invited, notAnswered, type DiagnosticRound } from "./store.js";
import { askMessage, resultsMessage, type Message } from "./views.js";

const logGaveUp =
  (deps: FiringDeps, roundId: string) =>
  (failure: DeliveryFailure): Promise<void> => {
    deps.logger.warn({ roundId, ...failure }, "a diagnostic message could not be delivered");
    return Promise.resolve();
  };

/** Delivers `message` to each target once (by key); true when every delivery has finished. */
async function deliverEach(
  deps: FiringDeps,
  round: Pick<DiagnosticRound, "id" | "slackTeamId">,
  deliveries: Array<{ key: string; target: string }>,
  message: Message,
): Promise<boolean> {
  await Promise.all(
    deliveries.map(({ key, target }) =>
      deliverOnce(deps, {
        key,
        slackTeamId: round.slackTeamId,
        target,
        message: () => Promise.resolve(message),
        onDelivered: () => Promise.resolve(),
        onGaveUp: logGaveUp(deps, round.id),
      }),
    ),
  );
  return workFinished(
    deps.db,
    deliveries.map((d) => d.key),
  );
}

/** The invitations: a DM with "Take the diagnostic" to everyone invited, once each. */
export async function deliverAsks(
  deps: FiringDeps,
  round: DiagnosticRound,
  timezone: string,
): Promise<void> {
  const people = await invited(deps.db, round.id);
  const done = await deliverEach(
    deps,
    round,
    people.map((userId) => ({ key: `diagnostic-ask:${round.id}:${userId}`, target: userId })),
    askMessage(round, timezone, false),
  );
  if (done)
    await deps.db.diagnosticRound.updateMany({
      where: { id: round.id, asksSentAt: null },
      data: { asksSentAt: deps.clock.now() },
    });
}

async function deliverReminders(
  deps: FiringDeps,
  round: DiagnosticRound,
  timezone: string,
): Promise<void> {
  const missing = await notAnswered(deps.db, round.id);
  const done = await deliverEach(
    deps,
    round,
    missing.map((userId) => ({ key: `diagnostic-remind:${round.id}:${userId}`, target: userId })),
    askMessage(round, timezone, true),
  );
  if (done)
    await deps.db.diagnosticRound.updateMany({
      where: { id: round.id, reminderSentAt: null },
      data: { reminderSentAt: deps.clock.now() },
    });
}

/** Computes the results once, then posts them to the cadence's channel and its DRI, once each. */
async function postResults(deps: FiringDeps, round: DiagnosticRound): Promise<void> {
  if (round.closedAt === null) await computeRoundResults(deps.db, round, deps.clock.now());
  const closed = await deps.db.diagnosticRound.findUniqueOrThrow({ where: { id: round.id } });
  const results = storedResults(closed);
  if (!results) throw new Error(`diagnostic round ${round.id} has no readable results`);
  const cadence = await deps.db.cadence.findUnique({ where: { id: round.cadenceId } });
  const dri = cadence?.driSlackUserId ?? null;
  const targets = [...new Set([cadence?.channelId, dri].filter((t): t is string => Boolean(t)))];
  const done = await deliverEach(
    deps,
    round,
    targets.map((target) => ({ key: `diagnostic-results:${round.id}:${target}`, target })),
    resultsMessage(results, dri),
  );
  if (done)
    await deps.db.diagnosticRound.updateMany({
      where: { id: round.id, resultsPostedAt: null },
      data: { resultsPostedAt: deps.clock.now() },
    });
}

async function runRoundSteps(deps: FiringDeps, round: DiagnosticRound, now: Date): Promise<void> {
  if (round.closesAt <= now) {
    await postResults(deps, round);
    return;
  }
  const timezone = await workspaceTimezone(deps.db, round.slackTeamId, "UTC");
  if (round.asksSentAt === null) await deliverAsks(deps, round, timezone);
  if (round.reminderSentAt === null && round.remindAt <= now)
    await deliverReminders(deps, round, timezone);
}

/** The scheduler's diagnostic duty: invitations not yet out, the reminder, and closing. */
export async function runDiagnosticDuties(deps: FiringDeps): Promise<void> {
  const now = deps.clock.now();
  const rounds = await deps.db.diagnosticRound.findMany({
    where: {
      OR: [
        { asksSentAt: null, closesAt: { gt: now } },
        { reminderSentAt: null, remindAt: { lte: now }, closesAt: { gt: now } },
        { resultsPostedAt: null, closesAt: { lte: now } },
      ],
    },
  });
  await Promise.all(
    rounds.map((round) =>
      runRoundSteps(deps, round, now).catch((error: unknown) =>
        deps.logger.error({ err: error, roundId: round.id }, "a diagnostic step failed"),
      ),
    ),
  );
}
