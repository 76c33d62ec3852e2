// The import's fast paths read exactly what their slow counterparts read: plain CSV split by hand
// gives csv-parse's rows (with its options), plainLead gives the zod schema's record or leaves the
// row to it, and timestamps are written and checked as toISOString would. Checked against the
// slow paths on many generated inputs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { expect, it } from "vitest";
import { csvFile, type SourceRow } from "../../src/funnel/csv.js";
import { stagedValues, utcText } from "../../src/funnel/bulk-writer.js";
import { leadInputSchema, parseTimestamp, plainLead } from "../../src/funnel/rules.js";

/** A deterministic pseudo-random sequence, so a failure repeats. */
function randomSource(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** csv-parse with the options csvFile gives it, lines counted the same way. */
function csvParseRows(text: string): { header: string[]; rows: SourceRow[] } {
  let header: string[] = [];
  const rows = parse(text, {
    bom: true,
    columns: (names: string[]) =>
      (header = names.map((n) =>
        n
          .trim()
          .toLowerCase()
          .replace(/^\uFEFF/, ""),
      )),
    skip_empty_lines: true,
    relax_column_count: true,
    trim: false,
    on_record: (record: Record<string, string>, context: { lines: number }) => ({
      line: context.lines,
      raw: record,
    }),
  }) as SourceRow[];
  return { header, rows };
}

async function csvFileRows(file: string): Promise<{ header: string[]; rows: SourceRow[] }> {
  const source = csvFile(file);
  const rows: SourceRow[] = [];
  for await (const row of source.rows()) rows.push(row);
  return { header: await source.header(), rows };
}

const PIECES = ["a", "b", "", " x ", "É", "id", "mql_at", "ID ", ",", ",", "\n", "\n", "\n\n"];
const RARE = ['"', '""', "\r\n", "\r", "\uFEFF", "__proto__"];

it("reads plain CSV as csv-parse does, and hands anything else to csv-parse", async () => {
  const random = randomSource(7);
  const dir = mkdtempSync(path.join(tmpdir(), "cadence-plain-csv-"));
  for (let n = 0; n < 300; n += 1) {
    const parts = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
      random() < 0.03 ? pick(random, RARE) : pick(random, PIECES),
    );
    const text = (random() < 0.2 ? "\uFEFF" : "") + parts.join("");
    const file = path.join(dir, `${n}.csv`);
    writeFileSync(file, text);
    let expected: { header: string[]; rows: SourceRow[] } | Error;
    try {
      expected = csvParseRows(text);
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) await expect(csvFileRows(file)).rejects.toThrow();
    else expect(await csvFileRows(file), JSON.stringify(text)).toEqual(expected);
  }
  // Many read chunks: lines cut between chunks, and a multi-byte character at a cut.
  const lines = Array.from({ length: 60_000 }, (_, i) =>
    i % 7 === 0 ? "" : `L-${i},é${"x".repeat(i % 13)},${i % 5 ? "a" : ""}`,
  );
  const file = path.join(dir, "large.csv");
  const text = `id,owner,team\n${lines.join("\n")}`;
  writeFileSync(file, text);
  expect(await csvFileRows(file)).toEqual(csvParseRows(text));
});

const VALUES: Record<string, readonly unknown[]> = {
  id: ["L-1", " L-2 ", "", "  ", 17, null, undefined, true, { id: 1 }],
  mql_at: ["2026-11-23T09:15:00Z", "2026-11-23T09:15:00.120Z", "2026-11-23 09:15", "", "x"],
  first_touch_at: ["", "2026-11-23T09:15:00-05:00", "2026-02-30T10:00:00", undefined, 5],
  accepted_at: ["", "", "2026-11-24T10:00:00Z", "2026-11-24"],
  rejected_at: ["", "", "2026-11-24T10:00:00Z", "nope"],
  rejection_reason: ["", "no budget", "  ", null],
  opportunity_at: ["", "2026-12-01T00:00:00Z"],
  closed_won_at: ["", "", "2027-01-01T00:00:00Z"],
  closed_lost_at: ["", "", "2027-01-02T00:00:00Z"],
  amount: ["", "12,500.50", "0012.10", "-3", "1_000", "12e3", "lots", 1200, Infinity, " 7 "],
  owner: ["", "ana@acme.test", 3, false, ["x"]],
  team: ["", "team-1"],
  source: ["", "webinar"],
  sourced_by: ["", "Sales", "partner", "OTHER", "friend", 1],
  influenced: ["", "true", "FALSE", "yes", true, false, 0],
  industry: ["", "software"],
  company_size: ["", "51-200"],
  country: ["", "US", undefined],
};

it("plainLead gives the schema's record for a valid row and leaves every other row to it", () => {
  const random = randomSource(11);
  for (const timezone of ["UTC", "America/New_York"]) {
    const schema = leadInputSchema(timezone);
    let valid = 0;
    for (let n = 0; n < 20_000; n += 1) {
      const raw: Record<string, unknown> = {};
      for (const [column, values] of Object.entries(VALUES)) {
        const value = pick(random, values);
        if (value !== undefined || random() < 0.5) raw[column] = value;
      }
      const expected = schema.zod.safeParse(raw);
      const plain = plainLead(raw, timezone);
      if (plain) expect(expected.success && expected.data, JSON.stringify(raw)).toEqual(plain);
      const allText = Object.values(raw).every((v) => typeof v === "string" || v === undefined);
      if (expected.success && allText) expect(plain, JSON.stringify(raw)).not.toBeNull();
      if (expected.success) valid += 1;
    }
    expect(valid).toBeGreaterThan(100); // the generated rows include valid ones
  }
});

it("writes timestamps out as toISOString does, and reads a UTC timestamp's day as the native parser's check did", () => {
  const random = randomSource(3);
  const span = 2 * 8.64e15;
  const dates = [0, -1, 8.64e15, -8.64e15, NaN, Date.UTC(999, 11, 31, 23, 59, 59, 999)]
    .concat([Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1)])
    .concat(Array.from({ length: 5_000 }, () => Math.floor(random() * span - span / 2)))
    .concat(Array.from({ length: 5_000 }, () => Date.UTC(2020, 0, 1) + Math.floor(random() * 4e11)))
    .map((ms) => new Date(ms));
  for (const date of dates) {
    if (Number.isNaN(date.getTime())) {
      expect(() => utcText(date)).toThrow(RangeError);
      continue;
    }
    const iso = date.toISOString();
    expect(utcText(date)).toBe(iso);
    expect(utcText(date, "+00:00")).toBe(`${iso.slice(0, -1)}+00:00`);
  }
  const digits = (n: number, width: number) => String(n).padStart(width, "0");
  const part = (max: number, width: number) => digits(Math.floor(random() * max), width);
  for (let n = 0; n < 20_000; n += 1) {
    const text = `${pick(random, ["0000", "0099", "1969", "2024", "2026", "9999", part(10_000, 4)])}-${part(14, 2)}-${part(33, 2)}T${part(26, 2)}:${part(61, 2)}${pick(random, ["", `:${part(61, 2)}`, `:${part(61, 2)}.${part(1000, 3)}`])}Z`;
    const ms = Date.parse(text);
    const before =
      Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text.slice(0, 10)
        ? null
        : new Date(ms);
    expect(parseTimestamp(text, "UTC"), text).toEqual(before);
  }
});

it("stages a PostgreSQL row as its session and its COPY line, escapes included", () => {
  const record = plainLead(
    { id: "L-7", mql_at: "2026-11-23T09:15:00Z", owner: "a\tb\\c\nd", influenced: "true" },
    "UTC",
  )!;
  const [session, text] = stagedValues("postgres", { line: 9, record, contentHash: "h" });
  expect(text).toBe(
    "9\tL-7\t2026-11-23T09:15:00.000Z\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\ta\\tb\\\\c\\nd\t\\N\t\\N\tmarketing\tt\t\\N\t\\N\t\\N\th\n",
  );
  // A repeated id stages in the same session, so each session finds its repeats alone.
  const again = stagedValues("postgres", { line: 10, record, contentHash: "h" });
  expect(again[0]).toBe(session);
  expect([0, 1]).toContain(session);
});
