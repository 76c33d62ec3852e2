// The scheduler's speed-to-lead duty. Each sweep reads only the watches whose next step is due
// (indexed by nextDueAt), routes each step to its recipient, and sends every recipient one DM for
// all their steps due together: a batch. A batch is claimed by key like any delivery
// (src/scheduler/deliver-once.ts), so each step is sent once across replicas; the steps in it are
// tagged with the batch's key before it is sent, so a replica taking it over sends the same list.
// At most one batch per recipient per DM_INTERVAL_MS: steps due meanwhile wait for the next one.
import type { DeliveryDeps } from "../scheduler/deliver-once.js";
import { deliverOnce } from "../scheduler/deliver-once.js";
import type { CatchUpPolicy } from "../cadences/rules.js";
import { isUniqueViolation } from "../db/errors.js";
import {
  crmRecordLink,
  DM_INTERVAL_MS,
  nextStepOf,
  reachedAfter,
  recipientOf,
  stepIsStale,
  type Step,
} from "./rules.js";
import { loadSlaContext, ownersOf, teamKey, teamManagers, type SlaContext } from "./store.js";
import { breachMessage, type BreachItem } from "./views.js";

export interface SlaWatchDeps extends DeliveryDeps {
  policy: DeliveryDeps["policy"] & CatchUpPolicy;
}

/** Due steps read per sweep; the rest are read by the next one. */
const MAX_DUE_PER_SWEEP = 5_000;

type WatchRow = Awaited<ReturnType<SlaWatchDeps["db"]["slaWatch"]["findMany"]>>[number];

export interface SweepReport {
  /** Watch rows read by the sweep (due steps, batched or not). */
  rowsRead: number;
  batchesDelivered: number;
  stepsPassed: number;
}

export async function sendDueSlaSteps(deps: SlaWatchDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  // An uninstalled workspace's steps are not read at all: no batch is opened (which would spend
  // its recipients' 5 minutes) and its rows cannot hold the front of the due list. Reinstalled,
  // they come back, and those past the catch-up window are passed, not sent.
  const uninstalled = await deps.db.workspace.findMany({
    where: { uninstalledAt: { not: null } },
    select: { slackTeamId: true },
  });
  const due = await deps.db.slaWatch.findMany({
    where: {
      nextDueAt: { lte: now },
      ...(uninstalled.length
        ? { slackTeamId: { notIn: uninstalled.map((w) => w.slackTeamId) } }
        : {}),
    },
    orderBy: { nextDueAt: "asc" },
    take: MAX_DUE_PER_SWEEP,
  });
  const report: SweepReport = { rowsRead: due.length, batchesDelivered: 0, stepsPassed: 0 };
  const keys = new Set(due.flatMap((row) => (row.batchKey ? [row.batchKey] : [])));
  const byTeam = new Map<string, WatchRow[]>();
  for (const row of due)
    if (!row.batchKey) byTeam.set(row.slackTeamId, [...(byTeam.get(row.slackTeamId) ?? []), row]);
  for (const [slackTeamId, rows] of byTeam) {
    const context = await loadSlaContext(deps.db, slackTeamId);
    if (!context) continue;
    const opened = await openBatches(deps, context, rows, now, report);
    for (const key of opened) keys.add(key);
  }
  const outcomes = await Promise.all([...keys].map((key) => deliverBatch(deps, key)));
  report.batchesDelivered = outcomes.filter(Boolean).length;
  return report;
}

/** Routes each due step to its recipient and opens one batch per recipient that may be sent to. */
async function openBatches(
  deps: SlaWatchDeps,
  context: SlaContext,
  rows: WatchRow[],
  now: Date,
  report: SweepReport,
): Promise<string[]> {
  const owners = await ownersOf(
    deps.db,
    context.slackTeamId,
    rows.map((row) => row.owner),
  );
  const managers = await teamManagers(deps.db, context.slackTeamId);
  const byTarget = new Map<string, WatchRow[]>();
  for (const row of rows) {
    const step = row.nextStep as Step;
    const person = owners.get(row.owner ?? "");
    const target = recipientOf(step, {
      ownerSlackUserId: person?.active ? person.slackUserId : null,
      teamManagerSlackUserId: row.team ? (managers.get(teamKey(row.team)) ?? null) : null,
      ownerManagerSlackUserId: person?.managerSlackUserId ?? null,
      vpSlackUserId: context.settings.slaEscalation?.vpSlackUserId ?? null,
      adminChannelId: context.settings.adminChannelId ?? null,
    });
    const stale = stepIsStale(row.nextDueAt!, now, deps.policy.catchUpWindowMs);
    if (!target || stale) {
      deps.logger.warn(
        { slackTeamId: context.slackTeamId, crmId: row.crmId, step, stale },
        stale
          ? "a speed-to-lead step fell due too long ago (Cadence was down): not sent"
          : "nobody to tell of a speed-to-lead step (no owner in Slack, manager, VP or admin channel): not sent",
      );
      if (await advance(deps, row, step, null, now)) report.stepsPassed += 1;
      continue;
    }
    byTarget.set(target, [...(byTarget.get(target) ?? []), row]);
  }
  const keys: string[] = [];
  for (const [target, targetRows] of byTarget) {
    const key = await openBatch(deps, context.slackTeamId, target, targetRows, now);
    if (key) keys.push(key);
  }
  return keys;
}

const batchKeyOf = (slackTeamId: string, target: string, batch: number) =>
  `sla:${slackTeamId}:${target}:${batch}`;
const targetOf = (key: string) => key.split(":")[2]!;

/**
 * Takes the recipient's next batch, unless one was opened in the last DM_INTERVAL_MS (by any
 * replica: the compare-and-set on lastSentAt decides), and tags the due steps with its key.
 */
async function openBatch(
  deps: SlaWatchDeps,
  slackTeamId: string,
  target: string,
  rows: WatchRow[],
  now: Date,
): Promise<string | null> {
  const where = { slackTeamId_target: { slackTeamId, target } };
  const before = await deps.db.slaRecipient.findUnique({ where });
  if (!before)
    await deps.db.slaRecipient.create({ data: { slackTeamId, target } }).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
  const opened = await deps.db.slaRecipient.updateMany({
    where: {
      slackTeamId,
      target,
      OR: [{ lastSentAt: null }, { lastSentAt: { lte: new Date(now.getTime() - DM_INTERVAL_MS) } }],
    },
    data: { lastSentAt: now, batches: { increment: 1 } },
  });
  if (opened.count === 0) return null;
  const { batches } = await deps.db.slaRecipient.findUniqueOrThrow({ where });
  const key = batchKeyOf(slackTeamId, target, batches);
  let tagged = 0;
  for (const step of new Set(rows.map((row) => row.nextStep!))) {
    const { count } = await deps.db.slaWatch.updateMany({
      where: {
        slackTeamId,
        crmId: { in: rows.filter((row) => row.nextStep === step).map((row) => row.crmId) },
        status: "open",
        batchKey: null,
        nextStep: step,
        nextDueAt: { lte: now },
      },
      data: { batchKey: key, batchStep: step },
    });
    tagged += count;
  }
  if (tagged === 0) {
    // Every step moved on meanwhile (a touch, another replica): the batch is empty, and the
    // recipient's 5 minutes are given back.
    await deps.db.slaRecipient.updateMany({
      where: { slackTeamId, target, batches },
      data: { lastSentAt: before?.lastSentAt ?? null },
    });
    return null;
  }
  return key;
}

/**
 * Sends one batch (or finds it sent) and moves its leads to their next step. Steps of the batch
 * that fell due longer ago than the catch-up window (Cadence or the workspace was away since it
 * was opened) are passed, not sent, like untagged ones.
 */
async function deliverBatch(deps: SlaWatchDeps, key: string): Promise<boolean> {
  const now = deps.clock.now();
  const tagged = await deps.db.slaWatch.findMany({ where: { batchKey: key } });
  const rows: WatchRow[] = [];
  for (const row of tagged) {
    if (!stepIsStale(row.nextDueAt!, now, deps.policy.catchUpWindowMs)) rows.push(row);
    else {
      deps.logger.warn(
        { slackTeamId: row.slackTeamId, crmId: row.crmId, step: row.batchStep },
        "a speed-to-lead step fell due too long ago (Cadence was down): not sent",
      );
      await advance(deps, row, row.batchStep as Step, key, now, false);
    }
  }
  if (rows.length === 0) return false;
  const slackTeamId = rows[0]!.slackTeamId;
  const context = await loadSlaContext(deps.db, slackTeamId);
  if (!context) return false;
  const outcome = await deliverOnce(deps, {
    key,
    slackTeamId,
    target: targetOf(key),
    message: () => batchMessage(deps, context, rows),
    onDelivered: () => finishBatch(deps, key),
    onGaveUp: async (failure) => {
      deps.logger.error(
        { key, code: failure.code },
        "a speed-to-lead DM could not be delivered; its steps are passed",
      );
      await finishBatch(deps, key);
    },
  });
  return outcome === "delivered" || outcome === "already-delivered";
}

async function batchMessage(deps: SlaWatchDeps, context: SlaContext, rows: WatchRow[]) {
  const now = deps.clock.now();
  const owners = await ownersOf(
    deps.db,
    context.slackTeamId,
    rows.map((row) => row.owner),
  );
  const items: BreachItem[] = rows.map((row) => {
    const person = owners.get(row.owner ?? "");
    const dueAt = row.nextDueAt!;
    return {
      crmId: row.crmId,
      source: row.source,
      team: row.team,
      ownerSlackUserId: person?.active ? person.slackUserId : null,
      ownerText: row.owner,
      mqlAt: row.mqlAt,
      dueAt,
      step: row.batchStep as Step,
      crmLink: crmRecordLink(context.settings.crmRecordUrl, row.crmId),
      late: now.getTime() - dueAt.getTime() > deps.policy.lateAfterMs,
    };
  });
  return breachMessage(items, now, context.timezone, context.slackTeamId);
}

/** The batch's steps are done: each lead moves on to its next step (or to none). */
async function finishBatch(deps: SlaWatchDeps, key: string): Promise<void> {
  const now = deps.clock.now();
  const rows = await deps.db.slaWatch.findMany({ where: { batchKey: key } });
  for (const row of rows) await advance(deps, row, row.batchStep as Step, key, now);
}

/** Marks `step` handled and schedules what follows; false when the row changed meanwhile. */
async function advance(
  deps: SlaWatchDeps,
  row: WatchRow,
  step: Step,
  batchKey: string | null,
  now: Date,
  told = batchKey !== null,
): Promise<boolean> {
  const reachedStep = reachedAfter(row.reachedStep, step);
  const snoozedUntil = step === "reminder" ? null : row.snoozedUntil;
  const next = nextStepOf({ ...row, reachedStep, snoozedUntil });
  const updated = await deps.db.slaWatch.updateMany({
    where: {
      slackTeamId: row.slackTeamId,
      crmId: row.crmId,
      status: "open",
      batchKey,
      reachedStep: row.reachedStep,
      nextStep: row.nextStep,
    },
    data: {
      reachedStep,
      snoozedUntil,
      nextStep: next?.step ?? null,
      nextDueAt: next?.dueAt ?? null,
      batchKey: null,
      batchStep: null,
      ...(told ? { lastToldAt: now } : {}),
    },
  });
  return updated.count === 1;
}
