// Pacing deliveries per Slack channel: the pure rules, and the work pool that applies them.
import { describe, expect, it } from "vitest";
import { forgetIdleLanes, laneReadyAt, nextTask } from "../../src/scheduler/pacing.js";
import { createWorkPool, STOPPED } from "../../src/scheduler/pool.js";

describe("laneReadyAt", () => {
  it("lets a lane never used start now", () => {
    expect(laneReadyAt(undefined, 5_000, 1_000)).toBe(5_000);
  });

  it("holds a lane until an interval after its last start", () => {
    expect(laneReadyAt(4_600, 5_000, 1_000)).toBe(5_600);
  });

  it("never answers a time in the past", () => {
    expect(laneReadyAt(1_000, 5_000, 1_000)).toBe(5_000);
  });
});

describe("nextTask", () => {
  const lastStarts = new Map([
    ["C1", 9_500],
    ["C2", 9_200],
  ]);

  it("starts the oldest task whose lane is ready, skipping lanes that must wait", () => {
    const queue = [{ lane: "C1" }, { lane: "C1" }, { lane: "C3" }, { lane: "C2" }];
    expect(nextTask(queue, lastStarts, 10_000, 1_000)).toEqual({ index: 2 });
  });

  it("starts a task without a lane at once", () => {
    expect(nextTask([{ lane: "C1" }, {}], lastStarts, 10_000, 1_000)).toEqual({ index: 1 });
  });

  it("says when the earliest waiting lane is ready when none is", () => {
    const queue = [{ lane: "C1" }, { lane: "C2" }, { lane: "C1" }];
    expect(nextTask(queue, lastStarts, 10_000, 1_000)).toEqual({ wakeAt: 10_200 });
  });

  it("has nothing to start in an empty queue", () => {
    expect(nextTask([], lastStarts, 10_000, 1_000)).toBeNull();
  });

  it("paces nothing with an interval of 0", () => {
    expect(nextTask([{ lane: "C1" }], lastStarts, 9_500, 0)).toEqual({ index: 0 });
  });
});

describe("forgetIdleLanes", () => {
  it("forgets lanes whose last start is an interval or more ago, and keeps the others", () => {
    const lastStarts = new Map([
      ["old", 8_000],
      ["edge", 9_000],
      ["recent", 9_600],
    ]);
    forgetIdleLanes(lastStarts, 10_000, 1_000);
    expect([...lastStarts.keys()]).toEqual(["recent"]);
  });
});

describe("a paced work pool", () => {
  const INTERVAL = 120;

  it("starts one channel's tasks an interval apart, and other channels' meanwhile", async () => {
    const pool = createWorkPool(4, { laneIntervalMs: INTERVAL });
    const t0 = Date.now();
    const started: Array<{ lane: string; at: number }> = [];
    const task = (lane: string) => () => {
      started.push({ lane, at: Date.now() - t0 });
      return Promise.resolve(lane);
    };
    const lanes = ["A", "A", "A", "B", "C"];
    const results = await Promise.all(lanes.map((lane) => pool.run(task(lane), lane)));
    expect(results).toEqual(lanes);

    const starts = (lane: string) => started.filter((s) => s.lane === lane).map((s) => s.at);
    const a = starts("A");
    expect(a).toHaveLength(3);
    // Timers may fire late, never early (a millisecond of rounding aside).
    expect(a[1]! - a[0]!).toBeGreaterThanOrEqual(INTERVAL - 1);
    expect(a[2]! - a[1]!).toBeGreaterThanOrEqual(INTERVAL - 1);
    // B and C did not queue behind A's second and third task.
    expect(starts("B")[0]!).toBeLessThan(a[1]!);
    expect(starts("C")[0]!).toBeLessThan(a[1]!);
  });

  it("holds no slot while a lane waits: with one slot, another lane's task runs in the gap", async () => {
    const pool = createWorkPool(1, { laneIntervalMs: INTERVAL });
    const order: string[] = [];
    const run = (name: string, lane: string) =>
      pool.run(() => Promise.resolve(void order.push(name)), lane);
    await Promise.all([run("A1", "A"), run("A2", "A"), run("B1", "B")]);
    expect(order).toEqual(["A1", "B1", "A2"]);
  });

  it("on close, a task waiting for its lane is not run, and idle resolves", async () => {
    const pool = createWorkPool(2, { laneIntervalMs: 60_000 });
    let ran = 0;
    const first = pool.run(() => Promise.resolve((ran += 1)), "A");
    const waiting = pool.run(() => Promise.resolve((ran += 1)), "A");
    await first;
    pool.close();
    expect(await waiting).toBe(STOPPED);
    await pool.idle();
    expect(ran).toBe(1);
  });
});
