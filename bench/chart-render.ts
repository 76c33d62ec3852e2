// How long the digest's chart takes to render to PNG, in-process: the first render separately
// (it loads the font files and warms vega up), then the steady state over `runs` renders.
import { renderDigestChart, type DigestChartInput } from "../src/digest/chart.js";
import { percentile } from "./stats.js";

export interface ChartRender {
  p50Ms: number;
  p99Ms: number;
  firstMs: number;
  pngBytes: number;
}

/** A typical week: eight weeks of history, one of them without rates. */
function typicalWeek(): DigestChartInput {
  const monday = Date.UTC(2026, 10, 16);
  return {
    title: "Week of 16 Nov 2026",
    funnel: { mql: 1_240, sql: 310, opportunities: 96, won: 21 },
    trend: Array.from({ length: 8 }, (_, i) => ({
      weekStart: new Date(monday - (7 - i) * 7 * 86_400_000).toISOString().slice(0, 10),
      mqls: 980 + ((i * 137) % 400),
      acceptanceRate: i === 2 ? null : 0.24 + (i % 3) * 0.03,
      slaCompliance: i === 2 ? null : 0.82 + (i % 4) * 0.03,
    })),
  };
}

export async function benchChartRender(runs = 20): Promise<ChartRender> {
  const input = typicalWeek();
  let started = performance.now();
  const png = await renderDigestChart(input);
  const firstMs = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    started = performance.now();
    await renderDigestChart(input);
    times.push(performance.now() - started);
  }
  return {
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    firstMs,
    pngBytes: png.length,
  };
}
