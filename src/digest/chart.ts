// The weekly digest's chart, drawn on the server: vega-lite -> vega -> SVG -> PNG (resvg).
// The production image has no system fonts, so the font ships as an npm package (DejaVu Sans)
// and resvg loads only that; vega is told the same family so what it lays out is what is drawn.
import { createRequire } from "node:module";
import type { TopLevelSpec } from "vega-lite";

export interface DigestChartInput {
  /** e.g. "Week of 16 Nov 2026" – shown as the chart title. */
  title: string;
  /** The reported week's stage volumes, drawn as a funnel (horizontal bars, widest first). */
  funnel: { mql: number; sql: number; opportunities: number; won: number };
  /** 8 weeks, oldest first, the last one being the reported week. Rates are 0..1 or null (no data that week). */
  trend: Array<{
    weekStart: string /* YYYY-MM-DD */;
    mqls: number;
    acceptanceRate: number | null;
    slaCompliance: number | null;
  }>;
}

const FONT_FAMILY = "DejaVu Sans";
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"), // titles are bold
];

// Okabe & Ito's palette, told apart with every common colour-vision deficiency.
const COLOURS = { funnel: "#0072B2", mqls: "#56B4E9", acceptance: "#D55E00", sla: "#009E73" };
const SERIES = { mqls: "MQLs", acceptance: "Acceptance rate", sla: "SLA compliance" };

const count = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });

/** Each stage's count, and its conversion from the stage above when that one is not empty. */
function funnelRows(funnel: DigestChartInput["funnel"]) {
  const stages = [
    { stage: "MQL", value: funnel.mql },
    { stage: "SQL", value: funnel.sql },
    { stage: "Opportunities", value: funnel.opportunities },
    { stage: "Won", value: funnel.won },
  ];
  return stages.map(({ stage, value }, i) => {
    const above = stages[i - 1]?.value;
    const conversion = above ? ` · ${percent.format(value / above)}` : "";
    return { stage, value, label: `${count.format(value)}${conversion}` };
  });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-11-16" -> "16 Nov": the calendar date as written, so no timezone can shift it. */
function weekLabel(weekStart: string): string {
  const [, month, day] = /^\d{4}-(\d{2})-(\d{2})$/.exec(weekStart) ?? [];
  const name = MONTHS[Number(month) - 1];
  return day && name ? `${Number(day)} ${name}` : weekStart;
}

/** One side of the side-by-side layout. */
type Panel = Extract<TopLevelSpec, { hconcat: unknown }>["hconcat"][number];
/** One of a panel's overlaid layers. */
type Layer = Extract<Panel, { layer: unknown }>["layer"][number];

function funnelPanel(input: DigestChartInput): Panel {
  const rows = funnelRows(input.funnel);
  // Room right of the widest bar for its label; at least 1 so an all-zero week has a scale.
  const domainMax = Math.max(1, ...rows.map((r) => r.value)) * 1.5;
  return {
    title: { text: "This week's funnel", subtitle: "% = conversion from the stage above" },
    width: 270,
    height: 300,
    data: { values: rows },
    encoding: {
      y: {
        field: "stage",
        type: "nominal",
        sort: null,
        title: null,
        axis: { ticks: false, domain: false, labelFontSize: 15, labelPadding: 8 },
      },
      x: { field: "value", type: "quantitative", axis: null, scale: { domain: [0, domainMax] } },
    },
    layer: [
      { name: "funnel_bars", mark: { type: "bar", color: COLOURS.funnel, cornerRadiusEnd: 3 } },
      {
        name: "funnel_labels",
        mark: { type: "text", align: "left", dx: 6, fontSize: 15 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

/** One rate's line and points; the two rates differ in dash as well as colour. */
function rateLine(name: string, series: string, strokeDash?: number[]): Layer {
  return {
    transform: [{ filter: { field: "series", equal: series } }],
    layer: [
      // A null rate breaks the line rather than dropping it to 0 ...
      {
        name: `${name}_line`,
        mark: {
          type: "line",
          strokeWidth: 3,
          invalid: "break-paths-filter-domains",
          ...(strokeDash ? { strokeDash } : {}),
        },
      },
      // ... and a lone week between two empty ones, with no segment to draw, still gets its point.
      {
        name: `${name}_points`,
        transform: [{ filter: "isValid(datum.rate)" }],
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
      },
    ],
  };
}

function trendPanel(input: DigestChartInput): Panel {
  const weeks = input.trend.map((w) => ({
    week: weekLabel(w.weekStart),
    series: SERIES.mqls,
    mqls: w.mqls,
  }));
  const rates = input.trend.flatMap((w) => [
    { week: weekLabel(w.weekStart), series: SERIES.acceptance, rate: w.acceptanceRate },
    { week: weekLabel(w.weekStart), series: SERIES.sla, rate: w.slaCompliance },
  ]);
  const mostMqls = Math.max(0, ...weeks.map((w) => w.mqls));
  return {
    title: {
      text: `Last ${input.trend.length} weeks`,
      subtitle: "MQLs (bars, left axis), rates (lines, right axis)",
    },
    width: 500,
    height: 300,
    encoding: {
      x: {
        field: "week",
        type: "ordinal",
        sort: weeks.map((w) => w.week),
        title: "Week starting",
        axis: { labelAngle: 0 },
      },
      color: {
        field: "series",
        type: "nominal",
        scale: {
          domain: [SERIES.mqls, SERIES.acceptance, SERIES.sla],
          range: [COLOURS.mqls, COLOURS.acceptance, COLOURS.sla],
        },
        legend: { title: null, orient: "bottom", direction: "horizontal", labelLimit: 400 },
      },
    },
    layer: [
      {
        name: "mql_bars",
        data: { values: weeks },
        mark: { type: "bar", opacity: 0.7 },
        encoding: {
          y: {
            field: "mqls",
            type: "quantitative",
            title: "MQLs",
            // An all-zero history still gets an axis.
            scale: mostMqls === 0 ? { domain: [0, 1] } : { nice: 5 },
            axis: { format: ",d", tickMinStep: 1, labelFlush: true },
          },
        },
      },
      {
        data: { values: rates },
        encoding: {
          y: {
            field: "rate",
            type: "quantitative",
            title: "Rate",
            scale: { domain: [0, 1] },
            axis: { orient: "right", format: ".0%", grid: false, labelFlush: true },
          },
        },
        layer: [rateLine("acceptance", SERIES.acceptance), rateLine("sla", SERIES.sla, [7, 4])],
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
}

/** The vega-lite spec: pure, no I/O. */
export function digestChartSpec(input: DigestChartInput): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: input.title, anchor: "start", fontSize: 24, offset: 18 },
    background: "white",
    padding: 24,
    spacing: 32,
    hconcat: [funnelPanel(input), trendPanel(input)],
    resolve: { legend: { color: "independent" } },
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: { labelFontSize: 14, titleFontSize: 14, titleFontWeight: "normal", titlePadding: 10 },
      legend: { labelFontSize: 14, symbolSize: 180 },
      title: { fontSize: 17, subtitleFontSize: 14, subtitleColor: "#555", anchor: "start" },
    },
  };
}

/** The chart as an SVG document; its text names the bundled font's family. */
export async function digestChartSvg(input: DigestChartInput): Promise<string> {
  // Loaded on first use: vega and vega-lite weigh tens of megabytes, and most commands never draw.
  const [{ compile }, { parse, View }] = await Promise.all([import("vega-lite"), import("vega")]);
  const { spec } = compile(digestChartSpec(input));
  const view = new View(parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders the chart to PNG bytes: vega-lite -> vega -> SVG (vega View with renderer "none", toSVG) -> PNG with @resvg/resvg-js. */
export async function renderDigestChart(input: DigestChartInput): Promise<Buffer> {
  const svg = await digestChartSvg(input);
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}
