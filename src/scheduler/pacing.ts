// Slack accepts about one message a second per channel ("short bursts >1 allowed", its rate-limit
// page), so a replica's deliveries to one channel, or to one person's DM, start at least
// SLACK_POST_INTERVAL_MS apart (default 1 s). Pure rules; the work pool (src/scheduler/pool.ts)
// applies them, so a channel with a hundred posts waiting never holds up another channel's post.

/** When a lane (a channel) may next start a task: `intervalMs` after its last start, or now. */
export function laneReadyAt(
  lastStartAt: number | undefined,
  now: number,
  intervalMs: number,
): number {
  return lastStartAt === undefined ? now : Math.max(now, lastStartAt + intervalMs);
}

export type NextTask =
  /** Start the task at this position of the queue now. */
  | { index: number }
  /** Nothing may start yet; the first lane is ready then. */
  | { wakeAt: number }
  | null;

/**
 * Which queued task starts next: the first (oldest) whose lane is ready, or whose lane is unset;
 * when none is, the time the earliest lane becomes ready; null for an empty queue.
 */
export function nextTask(
  queue: ReadonlyArray<{ lane?: string }>,
  lastStarts: ReadonlyMap<string, number>,
  now: number,
  intervalMs: number,
): NextTask {
  let wakeAt = Infinity;
  for (let index = 0; index < queue.length; index += 1) {
    const lane = queue[index]!.lane;
    if (lane === undefined) return { index };
    const readyAt = laneReadyAt(lastStarts.get(lane), now, intervalMs);
    if (readyAt <= now) return { index };
    wakeAt = Math.min(wakeAt, readyAt);
  }
  return queue.length ? { wakeAt } : null;
}

/** Lanes whose last start is at least an interval ago are as good as new: forget them. */
export function forgetIdleLanes(
  lastStarts: Map<string, number>,
  now: number,
  intervalMs: number,
): void {
  for (const [lane, at] of lastStarts) if (at + intervalMs <= now) lastStarts.delete(lane);
}
