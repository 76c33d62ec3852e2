// Small CSV fixtures written to a temporary folder.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export function writeCsv(
  columns: string[],
  rows: Array<Record<string, string | undefined>>,
  name = "leads.csv",
): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cadence-csv-")), name);
  writeFileSync(
    file,
    [
      columns.join(","),
      ...rows.map((row) => columns.map((c) => cell(row[c] ?? "")).join(",")),
    ].join("\n") + "\n",
  );
  return file;
}
