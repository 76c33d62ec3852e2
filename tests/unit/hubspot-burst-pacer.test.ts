// Pacing HubSpot calls to the burst limit its headers state, instead of meeting 429s.
import { describe, expect, it } from "vitest";
import { burstPacer } from "../../src/crm/hubspot/api.js";

function pacerOnAClock() {
  let now = 1_000_000;
  const waits: number[] = [];
  const pacer = burstPacer(
    () => now,
    (ms) => {
      waits.push(ms);
      now += ms;
      // A turn of the event loop, as a real wait gives, so the test runs meanwhile.
      return new Promise((resolve) => setImmediate(resolve));
    },
  );
  return { pacer, waits, advance: (ms: number) => (now += ms), now: () => now };
}

describe("burstPacer", () => {
  it("lets calls go at once while the window has room, keeping one call spare", async () => {
    const { pacer, waits } = pacerOnAClock();
    pacer.learn({
      "x-hubspot-ratelimit-max": "5",
      "x-hubspot-ratelimit-interval-milliseconds": "1000",
    });
    for (let i = 0; i < 4; i += 1) (await pacer.take())();
    expect(waits).toEqual([]);
  });

  it("waits until the oldest call, counted from its answer, leaves the window", async () => {
    const { pacer, waits, advance, now } = pacerOnAClock();
    pacer.learn({
      "x-hubspot-ratelimit-max": "3",
      "x-hubspot-ratelimit-interval-milliseconds": "1000",
    });
    const first = await pacer.take();
    advance(100);
    first(); // answered at +100
    (await pacer.take())();
    const start = now();
    (await pacer.take())();
    // The window frees when the first answers are 1,000 ms old (plus a 5 ms margin).
    expect(waits).toEqual([1005]);
    expect(now() - start).toBe(1005);
  });

  it("counts a call still unanswered as in the window however long it takes", async () => {
    const { pacer, waits, advance } = pacerOnAClock();
    pacer.learn({ "x-hubspot-ratelimit-max": "2" });
    const pending = await pacer.take();
    advance(60_000);
    const waited = pacer.take();
    await new Promise((resolve) => setImmediate(resolve));
    expect(waits[0]).toBe(50);
    pending();
    await waited;
    // Answered now, it leaves the window a whole interval (the default 10 s) later.
    expect(waits.at(-1)).toBe(10_005);
  });
});
