import { describe, expect, it, vi } from "vitest";
import { compile } from "vega-lite";
import {
  digestChartSpec,
  digestChartSvg,
  renderDigestChart,
  type DigestChartInput,
} from "../../src/digest/chart.js";

type TrendWeek = DigestChartInput["trend"][number];

const WEEK_STARTS = [
  "2026-09-28",
  "2026-10-05",
  "2026-10-12",
  "2026-10-19",
  "2026-10-26",
  "2026-11-02",
  "2026-11-09",
  "2026-11-16",
];

/** Eight weeks, oldest first; `overrides[i]` changes week i. */
const trendOf = (overrides: Partial<TrendWeek>[] = []): TrendWeek[] =>
  WEEK_STARTS.map((weekStart, i) => ({
    weekStart,
    mqls: 1000 + 40 * i,
    acceptanceRate: 0.3 - 0.01 * i,
    slaCompliance: 0.8 + 0.02 * i,
    ...overrides[i],
  }));

const chartInput = (overrides: Partial<DigestChartInput> = {}): DigestChartInput => ({
  title: "Week of 16 Nov 2026",
  funnel: { mql: 1240, sql: 310, opportunities: 96, won: 21 },
  trend: trendOf(),
  ...overrides,
});

const noData = { acceptanceRate: null, slaCompliance: null };
const allZero: DigestChartInput = chartInput({
  funnel: { mql: 0, sql: 0, opportunities: 0, won: 0 },
  trend: trendOf(WEEK_STARTS.map(() => ({ mqls: 0, ...noData }))),
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which always comes first after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const [, width, height] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
  return { width: Number(width), height: Number(height) };
}

/** The SVG elements vega drew for one named mark of the spec. */
function markItems(svg: string, mark: string): string[] {
  // An empty mark is a self-closing <g/>.
  const group = new RegExp(`<g class="[^"]*\\b${mark}_marks"[^>]*?(?:/>|>(.*?)</g>)`).exec(svg);
  expect(group, `no mark ${mark}`).not.toBeNull();
  return group?.[1]?.match(/<path [^>]*>/g) ?? [];
}

/** Every inline data set in a vega-lite spec, wherever it sits in the layers. */
function inlineData(spec: unknown): Record<string, unknown>[][] {
  if (typeof spec !== "object" || spec === null) return [];
  const found: Record<string, unknown>[][] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (key === "data" && Array.isArray((value as { values?: unknown }).values)) {
      found.push((value as { values: Record<string, unknown>[] }).values);
    } else {
      found.push(...inlineData(value));
    }
  }
  return found;
}

describe("digest chart spec", () => {
  it("carries the week's funnel stages in order with their counts and conversions", () => {
    const funnel = inlineData(digestChartSpec(chartInput())).find((rows) => "stage" in rows[0]!);
    expect(funnel?.map(({ stage, value, label }) => [stage, value, label])).toEqual([
      ["MQL", 1240, "1,240"],
      ["SQL", 310, "310 · 25%"],
      ["Opportunities", 96, "96 · 31%"],
      ["Won", 21, "21 · 22%"],
    ]);
  });

  it("carries the eight trend weeks oldest first, with both rates per week", () => {
    const data = inlineData(digestChartSpec(chartInput()));
    const mqls = data.find((rows) => "mqls" in rows[0]!);
    expect(mqls?.map((row) => [row.week, row.mqls])).toEqual(
      ["28 Sep", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov"].map(
        (week, i) => [week, 1000 + 40 * i],
      ),
    );
    const rates = data.find((rows) => "rate" in rows[0]!);
    expect(rates).toHaveLength(16);
  });

  it("compiles to vega without a warning", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      compile(digestChartSpec(chartInput({ trend: trendOf([{}, {}, noData]) })));
      compile(digestChartSpec(allZero));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("digest chart image", () => {
  it("is a PNG about 1,100 px wide, the size of the chart's SVG", async () => {
    const input = chartInput();
    const [png, svg] = await Promise.all([renderDigestChart(input), digestChartSvg(input)]);
    const size = pngSize(png);
    expect(size).toEqual(svgSize(svg));
    expect(size.width).toBeGreaterThanOrEqual(1000);
    expect(size.width).toBeLessThanOrEqual(1200);
    expect(size.height).toBeGreaterThanOrEqual(400);
    expect(size.height).toBeLessThanOrEqual(600);
  });

  it("breaks a rate's line at a week without data instead of drawing it at 0%", async () => {
    // Acceptance rate missing in weeks 3 and 6: three runs of line, six points.
    const svg = await digestChartSvg(
      chartInput({ trend: trendOf([{}, {}, noData, {}, {}, noData]) }),
    );
    const [line] = markItems(svg, "acceptance_line");
    expect(line?.match(/ d="([^"]*)"/)?.[1]?.match(/M/g)).toHaveLength(3);
    expect(markItems(svg, "acceptance_points")).toHaveLength(6);
    expect(markItems(svg, "sla_points")).toHaveLength(6);
  });

  it("keeps a lone week's rate, between two weeks without data, as a point", async () => {
    const trend = trendOf(WEEK_STARTS.map((_, i) => (i === 4 ? {} : noData)));
    const svg = await digestChartSvg(chartInput({ trend }));
    expect(markItems(svg, "acceptance_points")).toHaveLength(1);
  });

  it("renders a week of zeros after weeks without any rate", async () => {
    const png = await renderDigestChart(allZero);
    expect(pngSize(png).width).toBeGreaterThanOrEqual(1000);
    expect(markItems(await digestChartSvg(allZero), "acceptance_points")).toHaveLength(0);
  });

  it("draws its text with the bundled font, needing none from the system", async () => {
    const svg = await digestChartSvg(chartInput());
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).toContain(">Week of 16 Nov 2026</text>");
    // Same layout, different title: the pixels differ only if resvg found a font to draw with.
    const [week16, week23] = await Promise.all([
      renderDigestChart(chartInput({ title: "Week of 16 Nov 2026" })),
      renderDigestChart(chartInput({ title: "Week of 23 Nov 2026" })),
    ]);
    expect(pngSize(week23)).toEqual(pngSize(week16));
    expect(week23.equals(week16)).toBe(false);
  });
});
