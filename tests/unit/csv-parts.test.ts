// A large CSV file is parsed in two parts, by two workers: the cut falls between records (never
// inside a quoted field), every row keeps its line in the file, and a file that is not UTF-8 is
// refused at its first bad line whichever part finds it first.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { csvFile, NotUtf8Error, splitCsv } from "../../src/funnel/csv.js";
import { parseInWorkers, type ParsedRow } from "../../src/funnel/parsed-rows.js";
import { writeCsv } from "../helpers/csv-files.js";

const HEADER = ["id", "mql_at", "owner"];
/** About 12 MB: past the size from which the import splits a file. */
const COUNT = 200_000;

function bigCsv(name: string, row: (i: number) => string, header = HEADER.join(",")): string {
  const file = path.join(path.dirname(writeCsv(["id"], [])), name);
  const rows = Array.from({ length: COUNT }, (_, i) => row(i));
  writeFileSync(file, `${header}\n${rows.join("\n")}\n`);
  return file;
}

async function parsedRows(file: string): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const batch of parseInWorkers(file, "UTC", "sqlite")) rows.push(...batch.rows);
  return rows.sort((a, b) => a.line - b.line);
}

it("cuts a file between records, never inside a quoted field that spans lines", async () => {
  // Every record's owner is quoted and spans two lines: a cut at a bare newline would split one.
  const file = bigCsv(
    "multiline.csv",
    (i) => `L-${i},2026-11-24T10:00:00Z,"rep ${i}\nsecond line"`,
  );
  const parts = await splitCsv(file, await csvFile(file).header(), 2);
  expect(parts).toHaveLength(2);
  expect(parts[1]!.firstLine % 2).toBe(0); // records start on even lines: 2, 4, 6, …
  const rows = await parsedRows(file);
  expect(rows).toHaveLength(COUNT);
  expect(rows.every((row) => "values" in row)).toBe(true);
  expect(rows.map((row) => row.line)).toEqual(Array.from({ length: COUNT }, (_, i) => 3 + 2 * i));
  const last = rows.at(-1) as { values: unknown[] };
  expect(last.values.slice(0, 2)).toEqual([2 * COUNT + 1, `L-${COUNT - 1}`]);
});

it("names the first line that is not UTF-8, even when the second part finds its own first", async () => {
  const latin1 = (i: number) =>
    i === 150_000 || i === 120_000
      ? `L-${i},2026-11-24T10:00:00Z,Jos\xe9`
      : `L-${i},2026-11-24T10:00:00Z,ana`;
  const file = path.join(path.dirname(writeCsv(["id"], [])), "latin1.csv");
  writeFileSync(
    file,
    Buffer.from(
      `${HEADER.join(",")}\n${Array.from({ length: COUNT }, (_, i) => latin1(i)).join("\n")}\n`,
      "latin1",
    ),
  );
  await expect(parsedRows(file)).rejects.toEqual(new NotUtf8Error(120_002));
  const early = (i: number) =>
    i === 10 || i === 190_000 ? `L-${i},2026-11-24T10:00:00Z,Zo\xeb` : `L-${i},x,y`;
  writeFileSync(
    file,
    Buffer.from(
      `${HEADER.join(",")}\n${Array.from({ length: COUNT }, (_, i) => early(i)).join("\n")}\n`,
      "latin1",
    ),
  );
  await expect(parsedRows(file)).rejects.toMatchObject({ line: 12 });
});
