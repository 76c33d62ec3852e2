// No module of src/ imports itself through others, not even for a type: a cycle between
// capabilities means one cannot be read, tested or moved without the other. Prisma's generated
// client (src/db/generated) is not ours to arrange.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return full.endsWith(path.join("db", "generated")) ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The relative modules a file imports or re-exports, types included. */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*["'](\.[^"']+)["']/g),
  ].map((match) => match[1]!);
  return specifiers.map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, ".ts")));
}

/** Every cycle found by a depth-first walk, each as the chain of files that closes it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("imports between modules", () => {
  it("finds a cycle when there is one, through imports of any kind", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", []],
    ]);
    expect(findCycles(graph)).toEqual([["a", "b", "c", "a"]]);
    const imports = importsOf(
      "/src/x/y.ts",
      'import type { A } from "../a.js";\nimport {\n  c,\n  type C,\n} from "./c.js";\nexport { d } from "../d.js";\nimport "./e.js";',
    );
    expect(imports).toEqual(["/src/a.ts", "/src/x/c.ts", "/src/d.ts", "/src/x/e.ts"]);
  });

  it("has no cycle among src/ modules", () => {
    const files = sourceFiles(SRC);
    const graph = new Map(files.map((file) => [file, importsOf(file, readFileSync(file, "utf8"))]));
    const relative = (cycle: string[]) => cycle.map((f) => path.relative(SRC, f)).join(" -> ");
    expect(findCycles(graph).map(relative)).toEqual([]);
  });
});
