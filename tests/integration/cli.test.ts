import { existsSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMigrationsDir, readMigrations } from "../../src/db/migrate.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { TEST_SIGNING_SECRET, testEnv } from "../helpers/cadence.js";
import { freshWorkdir, olderNode, runCadence } from "../helpers/cadence-process.js";
import { createTestDatabase, postgresAvailable } from "../helpers/databases.js";
import { SlackRequests } from "../helpers/signed-requests.js";

describe("the cadence command", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(() => slack.stop());

  it("lists its subcommands", async () => {
    const cli = runCadence(["--help"], {});
    expect(await cli.exited).toBe(0);
    const help = cli.stdout.join("\n");
    expect(help).toContain("start");
    expect(help).toContain("migrate");
  });

  it("without Slack variables, names each one and how to get it, and exits 1 without a stack trace", async () => {
    const cli = runCadence(["start"], {});
    expect(await cli.exited).toBe(1);
    const message = cli.stderr.join("");
    expect(message).toContain("Cadence cannot start: its configuration is incomplete.");
    expect(message).toContain(
      "SLACK_BOT_TOKEN is missing: set it for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to let workspaces install Cadence (Slack app > OAuth & Permissions > Bot User OAuth Token)",
    );
    expect(message).toContain("SLACK_SIGNING_SECRET is missing");
    expect(message).toContain(".env.example");
    expect(message).not.toMatch(/\n\s+at /);
  });

  const oldNode = olderNode();
  it.skipIf(!oldNode)(
    "on an older Node.js, stops at once with one line saying Node.js 24 is required and how to get it",
    async () => {
      const cli = runCadence(["start"], {}, freshWorkdir(), oldNode);
      expect(await cli.exited).toBe(1);
      const lines = cli.stderr.join("").trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Cadence requires Node\.js 24 or later; this is Node\.js \d+\./);
      expect(lines[0]).toContain("scripts/with-node.sh");
    },
  );

  it("reads a .env file in the working directory", async () => {
    const cwd = freshWorkdir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(cwd, ".env"), "SLACK_BOT_TOKEN=xoxb-from-dotenv\nPORT=not-a-port\n");
    const cli = runCadence(["start"], {}, cwd);
    expect(await cli.exited).toBe(1);
    const message = cli.stderr.join("");
    expect(message).not.toContain("SLACK_BOT_TOKEN is missing");
    expect(message).toContain("PORT must be a port number");
  });

  it("says in one line, within seconds, that Slack cannot be reached, without a stack trace", async () => {
    const database = await createTestDatabase("sqlite");
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    try {
      const started = Date.now();
      const cli = runCadence(["start"], {
        ...testEnv(slack, database.url),
        SLACK_API_URL: `http://127.0.0.1:${closedPort}/api/`,
        LOG_LEVEL: "silent",
      });
      expect(await cli.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(25_000);
      const message = cli.stderr.join("").trim();
      expect(message).toMatch(
        /^Cadence cannot start: Slack cannot be reached at http:\/\/127\.0\.0\.1:\d+\/api\/ \(ECONNREFUSED\)/,
      );
      expect(message.split("\n")).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });

  it("migrates a new SQLite database with `cadence migrate`", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const first = runCadence(["migrate"], { DATABASE_URL: database.url });
      expect(await first.exited).toBe(0);
      expect(first.stdout.join("\n")).toMatch(/^Applied \d+ migration\(s\): \d{14}_init/);
      const again = runCadence(["migrate"], { DATABASE_URL: database.url });
      expect(await again.exited).toBe(0);
      expect(again.stdout.join("\n")).toMatch(/^No pending migrations/);
    } finally {
      await database.drop();
    }
  });

  it("starts in HTTP mode on a fresh SQLite file: migrates, answers health checks and /cadence help", async () => {
    const cwd = freshWorkdir();
    const env = { ...testEnv(slack, "file:./data/cadence.db"), LOG_LEVEL: "info" };
    const cli = runCadence(["start"], env, cwd);
    try {
      const port = await cli.ready;
      expect(existsSync(path.join(cwd, "data", "cadence.db"))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const requests = new SlackRequests(
        `http://127.0.0.1:${port}/slack/events`,
        TEST_SIGNING_SECRET,
        slack.teamId,
      );
      const help = await requests.slashCommand({ command: "/cadence", text: "help" });
      expect(help.json<{ response_type: string }>().response_type).toBe("ephemeral");
      expect(cli.stdout.join("\n")).toContain("connected to Slack as @cadence in Acme Revenue");
      expect(cli.stdout.join("\n")).not.toContain(slack.botToken);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it("starts in Socket Mode and answers /cadence help over the socket", async () => {
    const socketSlack = await new FakeSlack().start();
    const database = await createTestDatabase("sqlite");
    const cli = runCadence(["start"], {
      ...testEnv(socketSlack, database.url, "socket"),
      LOG_LEVEL: "info",
    });
    try {
      const port = await cli.ready;
      await socketSlack.waitForSocketConnection();
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status)
        .toBe(200);
      const ack = await socketSlack.sendEnvelope("slash_commands", {
        command: "/cadence",
        text: "help",
        team_id: socketSlack.teamId,
        user_id: "U0ALICE",
        channel_id: "C1",
        api_app_id: "A0CADENCE",
      });
      expect(ack?.response_type).toBe("ephemeral");
    } finally {
      await cli.stop();
      await socketSlack.stop();
      await database.drop();
    }
  });

  it.skipIf(!postgresAvailable())(
    "two processes started together on one empty PostgreSQL database both come up and migrate once",
    async () => {
      const database = await createTestDatabase("postgres");
      const env = { ...testEnv(slack, database.url), LOG_LEVEL: "info" };
      const processes = [runCadence(["start"], env), runCadence(["start"], env)];
      try {
        const ports = await Promise.all(processes.map((p) => p.ready));
        for (const port of ports)
          expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const { rows } = await client.query<{ migration_name: string; times: string }>(
          'SELECT migration_name, count(*) AS times FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name',
        );
        await client.end();
        const expected = readMigrations(defaultMigrationsDir("postgres")).map((m) => ({
          migration_name: m.name,
          times: "1",
        }));
        expect(rows).toEqual(expected);
        const logs = processes.flatMap((p) => p.stdout).join("\n");
        expect(logs.match(/"msg":"database migrated"/g)).toHaveLength(1);
        expect(logs.match(/"msg":"database schema up to date"/g)).toHaveLength(1);
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
        await database.drop();
      }
    },
  );
});
