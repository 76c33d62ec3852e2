// The scheduler is a runner that knows no tasks (STYLE.md): it may import the database, the clock,
// the logger and Slack's client, never a capability. src/main.ts registers the duties.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/cadence-process.js";

const SCHEDULER = path.join(PROJECT_ROOT, "src", "scheduler");
const CAPABILITIES = [
  "cadences",
  "feedback",
  "digest",
  "funnel",
  "calendar",
  "home",
  "help",
  "workspaces",
  "http",
  "demo",
];

const importsOf = (source: string): string[] =>
  [
    ...source.matchAll(
      /(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);

describe("the scheduler module", () => {
  const files = readdirSync(SCHEDULER).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s imports nothing from a capability", (file) => {
    const imports = importsOf(readFileSync(path.join(SCHEDULER, file), "utf8"));
    const local = imports
      .filter((spec) => spec.startsWith("."))
      .map((spec) => path.relative(path.join(PROJECT_ROOT, "src"), path.resolve(SCHEDULER, spec)));
    const capabilityImports = local.filter((target) =>
      CAPABILITIES.includes(target.split(path.sep)[0]!),
    );
    expect(capabilityImports).toEqual([]);
  });

  it("reads the imports it checks (the rule above would pass on a file it cannot parse)", () => {
    expect(
      importsOf('import { a } from "../cadences/firing.js";\nimport type { B } from "./b.js";'),
    ).toEqual(["../cadences/firing.js", "./b.js"]);
  });
});
