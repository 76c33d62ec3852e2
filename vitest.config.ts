import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Pino, Bolt and the fakes write a lot at debug level; tests read what they need.
    silent: "passed-only",
  },
});
