// How an import is shown on a terminal: a progress bar while it runs, a summary after.
import { writeFileSync } from "node:fs";
import type { ImportSummary } from "./import.js";
import type { RowProblem } from "./rules.js";

/** Problems shown on screen; the rest go to a file beside the import. */
const SHOWN_PROBLEMS = 50;

export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  const draw = (phase: string, rows: number, done: number) => {
    if (!stream.isTTY) return;
    const now = Date.now();
    if (now - last < 150) return;
    last = now;
    const share = Math.min(1, done);
    const width = 30;
    const filled = Math.round(share * width);
    stream.write(
      `\r${phase.padEnd(9)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString("en-US")} rows`,
    );
  };
  return {
    update: draw,
    done: () => {
      if (stream.isTTY) stream.write("\r\x1b[K");
    },
  };
}

export function importReport(
  summary: ImportSummary,
  file: string,
): { lines: string[]; exitCode: number } {
  const lines = [
    `Rows read: ${summary.rowsRead}`,
    `Inserted:  ${summary.inserted}`,
    `Updated:   ${summary.updated}`,
    `Unchanged: ${summary.unchanged}`,
    `Invalid:   ${summary.invalid}`,
  ];
  if (summary.unknownColumns.length)
    lines.push(`Ignored unknown columns: ${summary.unknownColumns.join(", ")}`);
  if (summary.problems.length) {
    lines.push("", "Invalid rows (line, column, value: what is wrong):");
    for (const p of summary.problems.slice(0, SHOWN_PROBLEMS))
      lines.push(`  line ${p.line}, ${p.column}, "${p.value}": ${p.problem}`);
    if (summary.problems.length > SHOWN_PROBLEMS) {
      const errorsFile = `${file}.errors.csv`;
      writeFileSync(errorsFile, problemsCsv(summary.problems));
      lines.push(
        `  … and ${summary.problems.length - SHOWN_PROBLEMS} more: all are listed in ${errorsFile}`,
      );
    }
  }
  if (!summary.written) {
    // A file that is not UTF-8 is refused whole: --skip-invalid would not help there.
    const wholeFile = summary.problems.some((p) => p.column === "(file)");
    lines.push(
      "",
      wholeFile
        ? "Nothing was written: re-save the file as UTF-8 and import it again."
        : "Nothing was written: fix the rows above and import again, or use --skip-invalid to write the valid rows.",
    );
    return { lines, exitCode: 1 };
  }
  return { lines, exitCode: 0 };
}

/** Every invalid row's problems as CSV, to fix them in a spreadsheet. */
export function problemsCsv(problems: RowProblem[]): string {
  return (
    [
      "line,column,value,problem",
      ...problems.map((p) => [p.line, p.column, p.value, p.problem].map(csvCell).join(",")),
    ].join("\n") + "\n"
  );
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
