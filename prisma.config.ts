// Prisma CLI configuration. `engine: "js"` runs the CLI's schema engine as WebAssembly through a
// driver adapter, so `prisma generate` and `prisma migrate diff` work offline (Prisma 6.19).
// Migrations are applied by our own runner (src/db/migrate.ts), not by `prisma migrate deploy`.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const databaseUrl = process.env.DATABASE_URL ?? "file:./data/cadence.db";
const isPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);
process.env.DATABASE_URL ??= databaseUrl;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", isPostgres ? "postgres" : "sqlite", "schema.prisma"),
  adapter: () =>
    Promise.resolve(
      isPostgres
        ? new PrismaPg({ connectionString: databaseUrl })
        : new PrismaBetterSQLite3({ url: databaseUrl }),
    ),
});
