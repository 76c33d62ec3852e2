#!/usr/bin/env node
// Run before `npm start` builds anything: an older Node.js stops here with one line.
// The version comes from .node-version, as for scripts/with-node.sh.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const required = Number(
  readFileSync(fileURLToPath(import.meta.resolve("../.node-version")), "utf8").trim(),
);
const major = Number(process.versions.node.split(".")[0]);
if (major < required) {
  console.error(
    `Cadence requires Node.js ${required} or later; this is Node.js ${process.versions.node}. ` +
      `Install Node.js ${required} LTS, or run through scripts/with-node.sh ` +
      "(e.g. `scripts/with-node.sh npm start`), which fetches it from the npm registry.",
  );
  process.exit(1);
}
