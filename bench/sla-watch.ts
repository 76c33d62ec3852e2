// The speed-to-lead watch under load, in simulated time: 10,000 MQLs arrive over one hour through
// POST /api/v1/leads (in requests every 10 s), 70% are touched within their 5-minute SLA and 30%
// never are, so each of those runs through the owner, manager and VP steps. The SLA duty sweeps
// every 10 simulated seconds (the default SCHEDULER_SWEEP_SECONDS). Per step delivered: the delay
// from its due time to its DM (simulated time to the sweep that sent it, plus that sweep's real
// duration); per sweep: the watch rows it read, against the leads in the database.
import { createApiToken } from "../src/funnel/tokens.js";
import { sendDueSlaSteps } from "../src/sla/watch.js";
import { startCadenceForTest, testSchedulerDeps, memoryLogger } from "../tests/helpers/cadence.js";
import type { TestProvider } from "../tests/helpers/databases.js";
import { percentile } from "./stats.js";

export interface SlaWatchBench {
  provider: TestProvider;
  leads: number;
  breaching: number;
  /** Every step sent: its due time to its DM. */
  all: Delays;
  /** The owner's step (the SLA breach itself). */
  owner: Delays;
  /** Steps sent by the first sweep after their due time: the sweep's own latency. */
  notHeld: Delays;
  /** Steps that waited for the recipient's 5-minute limit (batched into a later DM). */
  heldByLimit: number;
  rowsReadMax: number;
  rowsReadMean: number;
  dueMax: number;
  sweepP99Ms: number;
}

export interface Delays {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const delaysOf = (values: number[]): Delays => ({
  count: values.length,
  p50Ms: percentile(values, 50),
  p99Ms: percentile(values, 99),
  maxMs: values.length ? Math.max(...values) : Number.NaN,
});

const SWEEP_MS = 10_000;
const HOUR_MS = 3_600_000;
const REPS = 500;
const TEAMS = 25;

/** A small deterministic generator: the same leads on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export async function benchSlaWatch(
  provider: TestProvider,
  leads = 10_000,
): Promise<SlaWatchBench> {
  const start = new Date("2026-11-23T14:00:00Z");
  const cadence = await startCadenceForTest({ provider, now: start.toISOString() });
  try {
    const db = cadence.running.database.db;
    const team = cadence.slack.teamId;
    await db.workspace.update({
      where: { slackTeamId: team },
      data: { settings: { slaHours: "always", slaEscalation: { vpSlackUserId: "U0VP" } } },
    });
    await db.person.createMany({
      data: Array.from({ length: REPS }, (_, i) => ({
        slackTeamId: team,
        slackUserId: `U0REP${i}`,
        name: `Rep ${i}`,
        email: `rep${i}@acme.test`,
      })),
    });
    await db.salesTeam.createMany({
      data: Array.from({ length: TEAMS }, (_, t) => ({
        slackTeamId: team,
        key: `team ${t}`,
        name: `Team ${t}`,
        managerSlackUserId: `U0MGR${t}`,
        updatedBySlackUserId: "U0OPS",
      })),
    });
    const token = (await createApiToken(db, team, "bench")).token;
    const post = async (records: unknown[]) => {
      if (records.length === 0) return;
      const response = await fetch(`${cadence.baseUrl}/api/v1/leads`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(records),
      });
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    };

    const next = random(42);
    const planned = Array.from({ length: leads }, (_, i) => {
      const mqlAt = start.getTime() + next() * HOUR_MS;
      const touched = next() >= 0.3;
      return {
        record: {
          id: `M-${i}`,
          mql_at: new Date(mqlAt).toISOString(),
          owner: `rep${i % REPS}@acme.test`,
          team: `Team ${i % TEAMS}`,
          source: "Demo request",
        },
        mqlAt,
        touchAt: touched ? mqlAt + 30_000 + next() * 240_000 : null,
      };
    });
    const { logger } = memoryLogger("warn");
    const deps = testSchedulerDeps(cadence.config, cadence.running, cadence.clock, logger);
    const delays: number[] = [];
    const ownerDelays: number[] = [];
    const notHeldDelays: number[] = [];
    const held = new Set<string>();
    const rowsRead: number[] = [];
    const dues: number[] = [];
    const sweepMs: number[] = [];
    let heldByLimit = 0;
    // Arrivals for an hour, then the 2-hour VP steps of the last ones, and a little more.
    for (
      let now = start.getTime() + SWEEP_MS;
      now <= start.getTime() + 3.25 * HOUR_MS;
      now += SWEEP_MS
    ) {
      cadence.clock.set(new Date(now));
      await post(
        planned.filter((l) => l.mqlAt <= now && l.mqlAt > now - SWEEP_MS).map((l) => l.record),
      );
      await post(
        planned
          .filter((l) => l.touchAt !== null && l.touchAt <= now && l.touchAt > now - SWEEP_MS)
          .map((l) => ({ ...l.record, first_touch_at: new Date(l.touchAt!).toISOString() })),
      );
      // Measured from outside the duty: the steps due now, and which of them the sweep sent.
      const due = await db.slaWatch.findMany({
        where: { nextDueAt: { lte: new Date(now) } },
        select: { crmId: true, nextDueAt: true, reachedStep: true, nextStep: true },
      });
      const started = performance.now();
      const report = await sendDueSlaSteps(deps);
      const elapsed = performance.now() - started;
      sweepMs.push(elapsed);
      rowsRead.push(report.rowsRead);
      dues.push(due.length);
      const after = new Map(
        (
          await db.slaWatch.findMany({
            where: { crmId: { in: due.map((d) => d.crmId) } },
            select: { crmId: true, reachedStep: true, nextStep: true, nextDueAt: true },
          })
        ).map((w) => [w.crmId, w]),
      );
      for (const before of due) {
        const now2 = after.get(before.crmId)!;
        const sent =
          now2.reachedStep !== before.reachedStep ||
          now2.nextStep !== before.nextStep ||
          now2.nextDueAt?.getTime() !== before.nextDueAt?.getTime();
        const key = `${before.crmId}:${before.nextStep}:${before.nextDueAt!.getTime()}`;
        const delay = now - before.nextDueAt!.getTime() + elapsed;
        if (sent) {
          delays.push(delay);
          if (before.nextStep === "owner") ownerDelays.push(delay);
          if (!held.has(key)) notHeldDelays.push(delay);
        } else if (!held.has(key)) {
          held.add(key);
          heldByLimit += 1;
        }
      }
    }
    return {
      provider,
      leads,
      breaching: planned.filter((l) => l.touchAt === null).length,
      all: delaysOf(delays),
      owner: delaysOf(ownerDelays),
      notHeld: delaysOf(notHeldDelays),
      heldByLimit,
      rowsReadMax: Math.max(...rowsRead),
      rowsReadMean: rowsRead.reduce((a, b) => a + b, 0) / rowsRead.length,
      dueMax: Math.max(...dues),
      sweepP99Ms: percentile(sweepMs, 99),
    };
  } finally {
    await cadence.stop();
  }
}
