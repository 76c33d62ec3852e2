#!/usr/bin/env node
// Runs the Prisma CLI for one provider: `node scripts/prisma.mjs <sqlite|postgres> <prisma args…>`.
// prisma.config.ts picks its driver adapter from DATABASE_URL, so a placeholder URL of the right
// kind is set when none is; without a matching adapter the 6.19 CLI tries to download a native
// engine, which fails offline.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const placeholders = {
  sqlite: "file:./data/prisma-cli.db",
  postgres: "postgresql://postgres@127.0.0.1:5432/postgres",
};
const [provider, ...args] = process.argv.slice(2);
if (!(provider in placeholders)) {
  console.error("usage: node scripts/prisma.mjs <sqlite|postgres> <prisma arguments>");
  process.exit(2);
}
const current = process.env.DATABASE_URL ?? "";
const matches =
  provider === "postgres" ? /^postgres(ql)?:\/\//.test(current) : current.startsWith("file:");
const env = { ...process.env, DATABASE_URL: matches ? current : placeholders[provider] };
// The SQLite adapter opens the placeholder file: its folder must exist (a fresh clone has none).
if (!matches && provider === "sqlite") mkdirSync("data", { recursive: true });
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [prismaCli, ...args], { stdio: "inherit", env });
if (result.error) console.error(result.error.message);
process.exit(result.status ?? 1);
