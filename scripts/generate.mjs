#!/usr/bin/env node
// Generates both Prisma clients (src/db/generated/{sqlite,postgres}); run by `npm install`.
import { spawnSync } from "node:child_process";

for (const provider of ["sqlite", "postgres"]) {
  const result = spawnSync(
    process.execPath,
    ["scripts/prisma.mjs", provider, "generate", "--schema", `prisma/${provider}/schema.prisma`],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
console.log("Generated Prisma clients for SQLite and PostgreSQL in src/db/generated/");
