// /readyz tells a load balancer what is down without telling the world how: no driver text, no
// hosts. In HTTP mode Slack never calls us unprompted, so readiness asks Slack (cached 30 s).
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it, describe } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { createHttpServer } from "../../src/http/server.js";
import { startCadenceForTest, memoryLogger, type CadenceUnderTest } from "../helpers/cadence.js";

describe("/readyz", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ mode: "http" });
  });
  afterAll(() => cadence.stop());

  it("reports Slack unavailable in HTTP mode when auth.test fails, asking at most every 30 s", async () => {
    cadence.slack.calls.length = 0;
    cadence.slack.queue("auth.test", { kind: "error", error: "service_unavailable" });
    for (let i = 0; i < 2; i++) {
      const ready = await fetch(`${cadence.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: "not ready",
        checks: { database: "ok", slack: "slack unavailable" },
      });
    }
    expect(cadence.slack.callsTo("auth.test")).toHaveLength(1);
  });

  it("says only “database unavailable” when the database cannot be reached, and logs why", async () => {
    const { logger, lines } = memoryLogger();
    const database = openDatabase("postgresql://postgres@127.0.0.1:1/cadence_nowhere");
    const server = createHttpServer({
      logger,
      readiness: [{ name: "database", check: () => database.ping() }],
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const ready = await fetch(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`,
      );
      expect(ready.status).toBe(503);
      const body = await ready.text();
      expect(JSON.parse(body)).toEqual({
        status: "not ready",
        checks: { database: "database unavailable" },
      });
      expect(body).not.toMatch(/127\.0\.0\.1|Prisma|ECONNREFUSED/);
      expect(lines.some((line) => line.includes("readiness check failed"))).toBe(true);
    } finally {
      server.close();
      await database.close().catch(() => undefined);
    }
  });
});
