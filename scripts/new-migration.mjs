#!/usr/bin/env node
// Authors a migration for both providers: `npm run db:migration -- <name>`.
// `prisma migrate dev` needs a shadow database and fails offline, so each migration is the diff
// from the schema as it stood at the previous migration (kept beside it as schema.prisma) to the
// current schema, written by `prisma migrate diff --script`.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const provider of ["sqlite", "postgres"]) {
  const dir = path.join("prisma", provider, "migrations");
  mkdirSync(dir, { recursive: true });
  const previous = readdirSync(dir)
    .filter((entry) => /^\d{14}_/.test(entry))
    .sort()
    .at(-1);
  const from = previous
    ? ["--from-schema-datamodel", path.join(dir, previous, "schema.prisma")]
    : ["--from-empty"];
  if (previous && !existsSync(from[1])) {
    console.error(`${from[1]} is missing: cannot tell what the previous migration left.`);
    process.exit(1);
  }
  const schema = path.join("prisma", provider, "schema.prisma");
  const diff = spawnSync(
    process.execPath,
    [
      "scripts/prisma.mjs",
      provider,
      "migrate",
      "diff",
      ...from,
      "--to-schema-datamodel",
      schema,
      "--script",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (diff.status !== 0) process.exit(diff.status ?? 1);
  if (!/\b(CREATE|ALTER|DROP)\b/.test(diff.stdout)) {
    console.log(`${provider}: the schema has not changed since ${previous}; nothing written.`);
    continue;
  }
  const target = path.join(dir, `${stamp}_${name}`);
  mkdirSync(target);
  writeFileSync(path.join(target, "migration.sql"), diff.stdout);
  copyFileSync(schema, path.join(target, "schema.prisma"));
  console.log(`${provider}: wrote ${target}/migration.sql`);
}
