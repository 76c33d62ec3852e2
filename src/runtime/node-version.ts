// Cadence runs on Node.js 24 LTS (Node 20 is end of life). This module is the first thing the
// `cadence` command imports, so an older Node stops with one line instead of a native-addon
// crash further in. Keep REQUIRED_NODE_MAJOR in step with .node-version (a test checks).
export const REQUIRED_NODE_MAJOR = 24;

/** Why this Node.js cannot run Cadence, or null when it can. */
export function nodeVersionProblem(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= REQUIRED_NODE_MAJOR) return null;
  return (
    `Cadence requires Node.js ${REQUIRED_NODE_MAJOR} or later; this is Node.js ${version}. ` +
    `Install Node.js ${REQUIRED_NODE_MAJOR} LTS, or run through scripts/with-node.sh ` +
    `(e.g. \`scripts/with-node.sh npm start\`), which fetches it from the npm registry.`
  );
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
