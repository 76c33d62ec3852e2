// The CLI says what to fix in one line and exits 1, never a stack trace: a directory as the
// database, a read-only database, an unreachable PostgreSQL, a digest with nowhere to post.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseProblem } from "../../src/db/problems.js";
import { startCadenceForTest, testEnv, type CadenceUnderTest } from "../helpers/cadence.js";
import { freshWorkdir, PROJECT_ROOT, runCadence } from "../helpers/cadence-process.js";

const oneLine = (stderr: string[]) => {
  const lines = stderr.join("").trim().split("\n");
  expect(lines, lines.join("\n")).toHaveLength(1);
  return lines[0]!;
};

describe("the cadence command when something outside it is wrong", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest();
  });
  afterAll(() => cadence.stop());

  it("names a directory given as the database, for migrate and for start", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-dir-"));
    for (const command of ["migrate", "start"]) {
      const cli = runCadence([command], testEnv(cadence.slack, `file:${dir}`));
      expect(await cli.exited).toBe(1);
      expect(oneLine(cli.stderr)).toContain(`DATABASE_URL points to a directory (${dir})`);
    }
  });

  it("says PostgreSQL cannot be reached at its host and port", async () => {
    const url = "postgresql://postgres@127.0.0.1:1/cadence";
    for (const command of ["migrate", "start"]) {
      const cli = runCadence([command], testEnv(cadence.slack, url));
      expect(await cli.exited).toBe(1);
      expect(oneLine(cli.stderr)).toContain("Cannot reach PostgreSQL at 127.0.0.1:1");
    }
  });

  it("explains a read-only database file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-ro-"));
    const file = path.join(dir, "cadence.db");
    new BetterSqlite3(file).close();
    const readOnly = new BetterSqlite3(file, { readonly: true });
    let error: unknown;
    try {
      readOnly.exec("CREATE TABLE t (a)");
    } catch (caught) {
      error = caught;
    } finally {
      readOnly.close();
    }
    expect(databaseProblem(error, `file:${file}`)).toBe(
      `The database file ${file} is read-only: let the user running Cadence write to it and to its directory.`,
    );
  });

  // Root may write any file, so the process-level case runs only as another user.
  it.skipIf(process.getuid?.() === 0)("says so when the database file is read-only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cadence-ro-"));
    const file = path.join(dir, "cadence.db");
    writeFileSync(file, "");
    chmodSync(file, 0o444);
    const cli = runCadence(["migrate"], testEnv(cadence.slack, `file:${file}`));
    expect(await cli.exited).toBe(1);
    expect(oneLine(cli.stderr)).toMatch(/read-only|may not write|Cannot open/);
  });

  it("`cadence start` logs a stray rejection and exception, and keeps serving", async () => {
    const stray = path.join(PROJECT_ROOT, "tests", "fixtures", "stray-errors.mjs");
    const env = {
      ...testEnv(cadence.slack, "file:./cadence.db"),
      LOG_LEVEL: "info",
      NODE_OPTIONS: `--import ${stray}`,
    };
    const cli = runCadence(["start"], env, freshWorkdir());
    try {
      const port = await cli.ready;
      await expect
        .poll(() => cli.stdout.join("\n"), { timeout: 10_000 })
        .toContain("uncaught exception");
      expect(cli.stdout.join("\n")).toContain("unhandled promise rejection");
      expect(cli.stdout.join("\n")).toContain("a stray rejection");
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it("`cadence digest --post` with no channel and no DRI says how to set one", async () => {
    const cli = runCadence(
      ["digest", "--post", "--workspace", cadence.slack.teamId],
      testEnv(cadence.slack, cadence.database.url),
    );
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join("")).toContain("`/cadence channel funnel #channel` first");
    expect(cli.stderr.join("")).not.toMatch(/\n\s+at /);
  });
});
