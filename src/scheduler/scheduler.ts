// A runner that knows no tasks (after graphile-worker's runner): src/main.ts registers the duties
// by name; this module knows keys, claims, leases, attempts and outcomes, never a capability.
// node-schedule drives it: one job wakes the replica at the earliest time a duty names, and a
// periodic sweep (every few seconds) picks up what other replicas changed, retries whose time
// came, expired claims and anything missed.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import schedule, { type Job } from "node-schedule";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { purgeFinishedClaims, releaseHeldClaims } from "./claims.js";
import type { WorkPool } from "./pool.js";
import { CLAIM_RETENTION_MS } from "./retry-policy.js";

/** One scheduled duty; it delivers through deliverOnce, so its work shares the replica's pool. */
export type Duty = () => Promise<unknown>;

/** Duties by name (the name is only for logs). */
export type DutyList = Readonly<Record<string, Duty>>;

export interface SchedulerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  owner: string;
  pool: WorkPool;
}

export interface SchedulerOptions {
  sweepIntervalSeconds: number;
  /** The earliest instant some duty has work (a cadence's next due time), to wake up then. */
  nextWakeUp?: () => Promise<Date | null>;
  /** On stop, how long in-flight work may finish before its claims are given back. */
  shutdownGraceMs?: number;
  /** Work started by a duty that runs beside the sweep (a CRM sync): on stop, waited for too. */
  besideSweep?: () => Promise<void>;
}

export interface Scheduler {
  /** Runs one sweep now (a test's handle on time; also what the jobs call). */
  sweep(): Promise<void>;
  /** Re-reads the next wake-up time, after a cadence changed. */
  reload(): Promise<void>;
  /** Stops claiming, lets in-flight work finish for the grace period, gives back what is held. */
  stop(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 4_000;
/** Finished claims are purged at most this often. */
const PURGE_EVERY_MS = 3_600_000;

export const replicaName = (): string =>
  `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/**
 * One pass of every duty, side by side: each is ordered within itself (e.g. materialise, then
 * post), and one duty's slow Slack call never holds up another's.
 */
export async function runDuties(duties: DutyList, logger: Logger): Promise<void> {
  await Promise.all(
    Object.entries(duties).map(([name, duty]) =>
      duty().catch((error: unknown) =>
        logger.error({ err: error, duty: name }, "a scheduled duty failed; the next sweep retries"),
      ),
    ),
  );
}

export function startScheduler(
  deps: SchedulerDeps,
  duties: DutyList,
  options: SchedulerOptions,
): Scheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let wakeUp: Job | null = null;
  let lastPurge = 0;

  const purge = async () => {
    const now = deps.clock.now();
    if (now.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    const purged = await purgeFinishedClaims(deps.db, new Date(now.getTime() - CLAIM_RETENTION_MS));
    if (purged) deps.logger.info({ purged }, "purged finished claims past their retention");
  };

  const sweepOnce = async () => {
    await runDuties({ ...duties, "scheduler.purge": purge }, deps.logger);
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
    const next = options.nextWakeUp ? await options.nextWakeUp() : null;
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
      deps.pool.close();
      const grace = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all([deps.pool.idle(), running, options.besideSweep?.()]).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
      ]);
      clearTimeout(timer);
      // What is still held (a hung Slack call, a sync mid-way) is given back: another replica, or
      // the next start, takes it over at once, and checks the channel's history first, so a post
      // that got through is not repeated.
      const released = await releaseHeldClaims(deps.db, deps.owner, deps.clock.now());
      if (finished && released === 0) return;
      deps.logger.warn(
        { released, finished },
        finished
          ? "stopped; claims still held were given back"
          : "stopped with work in flight; its claims were given back",
      );
    },
  };
}
