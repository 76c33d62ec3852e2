// node-schedule drives firing: one job wakes the replica at the earliest upcoming due time, and a
// periodic sweep (every few seconds) picks up what other replicas changed, expired claims and
// anything missed. Each sweep materialises due occurrences and posts pending ones, exactly once
// across replicas (src/cadences/firing.ts).
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import schedule, { type Job } from "node-schedule";
import {
  materialiseDueOccurrences,
  postPendingOccurrences,
  type FiringDeps,
} from "../cadences/firing.js";
import {
  escalateOverdueOccurrences,
  noticeUnassignedCadences,
  sendDueReminders,
} from "../cadences/notices.js";
import { earliestNextDueAt } from "../cadences/store.js";
import { runFeedbackDuties } from "../feedback/collection.js";

export interface Scheduler {
  /** Runs one sweep now (a test's handle on time; also what the jobs call). */
  sweep(): Promise<void>;
  /** Re-reads the next due time, after a cadence changed. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export const replicaName = (): string =>
  `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/**
 * One pass of every scheduled duty, in order: fire, remind, escalate, chase unassigned cadences,
 * then the feedback collections' reminders and deadlines.
 */
export async function runDuties(deps: FiringDeps): Promise<void> {
  await materialiseDueOccurrences(deps);
  await postPendingOccurrences(deps);
  await sendDueReminders(deps);
  await escalateOverdueOccurrences(deps);
  await noticeUnassignedCadences(deps);
  await runFeedbackDuties(deps);
}

export function startScheduler(
  deps: FiringDeps,
  options: { sweepIntervalSeconds: number },
): Scheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let wakeUp: Job | null = null;

  const sweepOnce = async () => {
    await runDuties(deps);
    await scheduleWakeUp();
  };

  // One sweep at a time per replica; a request during a sweep runs one more right after.
  const sweep = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await sweepOnce();
        } catch (error) {
          deps.logger.error({ err: error }, "scheduler sweep failed; the next one retries");
        }
      } while (again && !stopped);
      running = null;
    })();
    return running;
  };

  const scheduleWakeUp = async () => {
    const next = await earliestNextDueAt(deps.db);
    wakeUp?.cancel();
    wakeUp = null;
    if (!next || stopped) return;
    // node-schedule will not run a date in the past: wake up in a second instead.
    const at = next.getTime() <= Date.now() ? new Date(Date.now() + 1_000) : next;
    wakeUp = schedule.scheduleJob(at, () => void sweep());
  };

  const periodic = schedule.scheduleJob(
    `*/${options.sweepIntervalSeconds} * * * * *`,
    () => void sweep(),
  );
  void sweep();

  return {
    sweep,
    async reload() {
      await scheduleWakeUp();
    },
    async stop() {
      stopped = true;
      periodic.cancel();
      wakeUp?.cancel();
      await running;
    },
  };
}
