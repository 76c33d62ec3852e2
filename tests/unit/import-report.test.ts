// What `cadence import leads` prints when nothing was written: the way out that fits the problem.
import { describe, expect, it } from "vitest";
import type { ImportSummary } from "../../src/funnel/import.js";
import { importReport } from "../../src/funnel/report.js";

const refused = (problem: ImportSummary["problems"][number]): ImportSummary => ({
  rowsRead: 3,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  invalid: 1,
  unknownColumns: [],
  problems: [problem],
  written: false,
});

describe("the import report", () => {
  it("offers --skip-invalid when some rows are invalid", () => {
    const report = importReport(
      refused({ line: 2, column: "mql_at", value: "tomorrow", problem: "is not a timestamp" }),
      "leads.csv",
    );
    expect(report.exitCode).toBe(1);
    expect(report.lines.at(-1)).toContain("or use --skip-invalid to write the valid rows");
  });

  it("asks for a UTF-8 file, not --skip-invalid, when the whole file is refused", () => {
    const report = importReport(
      refused({ line: 3, column: "(file)", value: "", problem: "is not UTF-8 text" }),
      "leads.csv",
    );
    expect(report.exitCode).toBe(1);
    expect(report.lines.at(-1)).toBe(
      "Nothing was written: re-save the file as UTF-8 and import it again.",
    );
    expect(report.lines.join("\n")).not.toContain("--skip-invalid");
  });
});
