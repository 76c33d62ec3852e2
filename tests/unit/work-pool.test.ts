// The replica's delivery pool: bounded concurrency, and on close nothing new starts.
import { describe, expect, it } from "vitest";
import { createWorkPool, STOPPED } from "../../src/scheduler/pool.js";

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe("work pool", () => {
  it("runs at most `concurrency` tasks at once and the rest as slots free up", async () => {
    const pool = createWorkPool(2);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return "ok";
    };
    const results = await Promise.all(Array.from({ length: 7 }, () => pool.run(task)));
    expect(results).toEqual(Array(7).fill("ok"));
    expect(most).toBe(2);
  });

  it("a task that never finishes holds one slot; the others go on", async () => {
    const pool = createWorkPool(2);
    const hung = gate();
    void pool.run(() => hung.opened);
    const done = await Promise.all([1, 2, 3].map((n) => pool.run(() => Promise.resolve(n))));
    expect(done).toEqual([1, 2, 3]);
    hung.open();
  });

  it("once closed, queued and new tasks are not run; idle waits for the running one", async () => {
    const pool = createWorkPool(1);
    const slow = gate();
    let ran = 0;
    const first = pool.run(async () => {
      await slow.opened;
      ran += 1;
    });
    const queued = pool.run(() => Promise.resolve((ran += 1)));
    pool.close();
    expect(await pool.run(() => Promise.resolve((ran += 1)))).toBe(STOPPED);
    let idle = false;
    const idled = pool.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(idle).toBe(false);
    slow.open();
    await first;
    expect(await queued).toBe(STOPPED);
    await idled;
    expect(ran).toBe(1);
  });
});
