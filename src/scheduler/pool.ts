// Bounded concurrency for every delivery of a replica: posts, reminders, escalations and notices
// share one pool, so a hung Slack call holds one slot (until its timeout), never the rest. Tasks
// of one lane (a Slack channel) are paced (src/scheduler/pacing.ts): a task waiting for its lane
// holds no slot, and tasks of other lanes start meanwhile.
import { forgetIdleLanes, nextTask } from "./pacing.js";

export const STOPPED = Symbol("stopped");

export interface WorkPool {
  /**
   * Runs `task` when a slot is free and its lane's pace allows; STOPPED without running it once
   * the pool is closed.
   */
  run<T>(task: () => Promise<T>, lane?: string): Promise<T | typeof STOPPED>;
  /** Stops starting tasks: queued ones resolve STOPPED; running ones go on. */
  close(): void;
  readonly closed: boolean;
  /** Resolves when no task is running or queued. */
  idle(): Promise<void>;
}

export interface WorkPoolOptions {
  /** Tasks of one lane start at least this far apart (0: no pacing). */
  laneIntervalMs?: number;
  now?: () => number;
}

interface Queued {
  lane?: string;
  start(): void;
  stop(): void;
}

/** Past this many remembered lanes, those idle for an interval are forgotten. */
const LANES_KEPT = 256;

export function createWorkPool(concurrency: number, options: WorkPoolOptions = {}): WorkPool {
  const intervalMs = options.laneIntervalMs ?? 0;
  const now = options.now ?? Date.now;
  let running = 0;
  let closed = false;
  const queue: Queued[] = [];
  const lastStarts = new Map<string, number>();
  let wakeUp: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (running > 0 || queue.length > 0) return;
    for (const waiter of idleWaiters) waiter();
    idleWaiters = [];
  };

  const pump = () => {
    clearTimeout(wakeUp);
    wakeUp = undefined;
    while (!closed && running < concurrency) {
      const at = now();
      const next = nextTask(queue, lastStarts, at, intervalMs);
      if (!next) break;
      if ("wakeAt" in next) {
        wakeUp = setTimeout(pump, Math.max(1, next.wakeAt - at));
        break;
      }
      const [task] = queue.splice(next.index, 1);
      if (task!.lane !== undefined && intervalMs > 0) {
        if (lastStarts.size > LANES_KEPT) forgetIdleLanes(lastStarts, at, intervalMs);
        lastStarts.set(task!.lane, at);
      }
      running += 1;
      task!.start();
    }
    settleIdle();
  };

  return {
    run<T>(task: () => Promise<T>, lane?: string): Promise<T | typeof STOPPED> {
      if (closed) return Promise.resolve(STOPPED);
      return new Promise<T | typeof STOPPED>((resolve, reject) => {
        queue.push({
          lane,
          start: () =>
            void task()
              .then(resolve, reject)
              .finally(() => {
                running -= 1;
                pump();
              }),
          stop: () => resolve(STOPPED),
        });
        pump();
      });
    },
    close() {
      closed = true;
      clearTimeout(wakeUp);
      for (const queued of queue.splice(0)) queued.stop();
      settleIdle();
    },
    get closed() {
      return closed;
    },
    idle() {
      return running === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
