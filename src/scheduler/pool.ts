// Bounded concurrency for every delivery of a replica: posts, reminders, escalations and notices
// share one pool, so a hung Slack call holds one slot (until its timeout), never the rest.

export const STOPPED = Symbol("stopped");

export interface WorkPool {
  /** Runs `task` when a slot is free; STOPPED without running it once the pool is closed. */
  run<T>(task: () => Promise<T>): Promise<T | typeof STOPPED>;
  /** Stops starting tasks: queued ones resolve STOPPED; running ones go on. */
  close(): void;
  readonly closed: boolean;
  /** Resolves when no task is running. */
  idle(): Promise<void>;
}

export function createWorkPool(concurrency: number): WorkPool {
  let running = 0;
  let closed = false;
  const queue: Array<() => void> = [];
  let idleWaiters: Array<() => void> = [];

  const settle = () => {
    running -= 1;
    const next = queue.shift();
    if (next) next();
    else if (running === 0) {
      for (const waiter of idleWaiters) waiter();
      idleWaiters = [];
    }
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T | typeof STOPPED> {
      if (closed) return Promise.resolve(STOPPED);
      return new Promise<T | typeof STOPPED>((resolve, reject) => {
        const start = () => {
          if (closed) {
            resolve(STOPPED);
            queue.shift()?.();
            return;
          }
          running += 1;
          task().then(resolve, reject).finally(settle);
        };
        if (running < concurrency) start();
        else queue.push(start);
      });
    },
    close() {
      closed = true;
      // Queued tasks resolve STOPPED one after another (each start() starts the next).
      queue.shift()?.();
      if (running === 0) for (const waiter of idleWaiters.splice(0)) waiter();
    },
    get closed() {
      return closed;
    },
    idle() {
      return running === 0
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
