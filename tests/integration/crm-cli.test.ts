// `cadence crm …` as a self-hoster runs it: the real command in a child process, the token piped
// on stdin, HubSpot faked on loopback; and `cadence start` refusing credentials it cannot open.
// On both databases: each step is a new process (a few seconds each), so the tests that run
// several get a longer timeout than the suite's default.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { FakeSlack } from "../fakes/fake-slack.js";
import { testEnv } from "../helpers/cadence.js";
import { freshWorkdir, PROJECT_ROOT, runCadence } from "../helpers/cadence-process.js";
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from "../helpers/databases.js";
import { seedPortal } from "../helpers/hubspot-portal.js";

const TEAM = "T0CADENCE";
const KEY = randomBytes(32).toString("base64");
/** For a test that starts several processes one after the other. */
const SEVERAL_PROCESSES_MS = 120_000;

/** Runs `cadence <args>` with `stdin` piped in; resolves with its exit code and output. */
function cadence(args: string[], env: Record<string, string>, stdin = "") {
  const child = spawn(
    process.execPath,
    [
      "--import",
      path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs"),
      path.join(PROJECT_ROOT, "src", "cli.ts"),
      ...args,
    ],
    {
      cwd: freshWorkdir(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
}

describeEachDatabase("the cadence crm commands", (provider) => {
  let testDb: TestDatabase;
  let hubspot: FakeHubspot;
  let env: Record<string, string>;

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    testDb = await createTestDatabase(provider);
    await migrateDatabase(testDb.url);
    const database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
    await database.close();
    env = {
      DATABASE_URL: testDb.url,
      CADENCE_ENCRYPTION_KEY: KEY,
      HUBSPOT_API_URL: hubspot.baseUrl,
    };
  });
  afterAll(async () => {
    await hubspot.stop();
    await testDb.drop();
  });

  it(
    "refuses a bad token read from stdin, and stores nothing",
    async () => {
      const run = await cadence(["crm", "connect", "hubspot"], env, "pat-na1-not-the-right-one\n");
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        "HubSpot refused the access token (401). Copy it again from the private app's Auth tab (Settings > Integrations > Private Apps). Nothing was stored.",
      );
      const status = await cadence(["crm", "status"], env);
      expect(status.stdout.trim()).toBe(
        `No CRM is connected for ${TEAM}. \`cadence crm connect hubspot\` or \`cadence crm connect salesforce --login-url …\` connects one.`,
      );
    },
    SEVERAL_PROCESSES_MS,
  );

  it("refuses to connect without CADENCE_ENCRYPTION_KEY", async () => {
    const run = await cadence(
      ["crm", "connect", "hubspot"],
      { ...env, CADENCE_ENCRYPTION_KEY: "" },
      hubspot.accessToken,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("CADENCE_ENCRYPTION_KEY is not set");
  });

  it(
    "connects with the token from stdin, then shows status, a preview and a sync",
    async () => {
      const connect = await cadence(
        ["crm", "connect", "hubspot", "--workspace", TEAM],
        env,
        `${hubspot.accessToken}\n`,
      );
      expect(connect.stderr).toBe("");
      expect(connect.stdout.trim()).toBe(
        `HubSpot is connected for ${TEAM}; the token is stored encrypted. Next: \`cadence crm preview\`, then \`cadence crm sync\`.`,
      );

      const preview = await cadence(["crm", "preview", "--limit", "3"], env);
      expect(preview.code).toBe(0);
      expect(preview.stdout).toContain("Contact 101\n  HubSpot values:\n");
      expect(preview.stdout).toContain("    contact.hubspot_owner_id = 501\n");
      expect(preview.stdout).toContain("    owner = ana@acme.test\n");
      expect(preview.stdout).toContain(
        "3 contacts previewed: 3 would be stored, 0 refused. Nothing was written.",
      );

      const sync = await cadence(["crm", "sync"], env);
      expect(sync.code).toBe(0);
      expect(sync.stderr).toMatch(/^Synced 3 of about 3 contacts \(changed up to /);
      expect(sync.stdout).toContain(
        "Synced 3 HubSpot contacts: 3 new, 0 updated, 0 unchanged, 0 refused.",
      );

      // The Monday digest is computed from what was synced.
      const digest = await cadence(["digest", "--week", "2026-11-02", "--json"], env);
      expect(digest.code).toBe(0);
      expect(JSON.parse(digest.stdout)).toMatchObject({
        volumes: { mql: 3, sql: 1, opportunities: 1 },
      });

      const status = await cadence(["crm", "status"], env);
      expect(status.stdout).toContain(`CRM:            hubspot for ${TEAM} (${hubspot.baseUrl})`);
      expect(status.stdout).toContain("Records:        3 read, 0 refused (all syncs)");
      expect(status.stdout).toContain("Last error:     none");
      for (const output of [connect, preview, sync, status])
        expect(output.stdout + output.stderr).not.toContain(hubspot.accessToken);
    },
    SEVERAL_PROCESSES_MS,
  );

  it(
    "sets a mapping from a file, or says what is wrong with it",
    async () => {
      const file = path.join(freshWorkdir(), "mapping.json");
      writeFileSync(file, JSON.stringify({ contact: { mql_at: "Lifecycle Date" } }));
      const bad = await cadence(["crm", "mapping", "set", file], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toBe(
        "The mapping was not changed: contact.mql_at must be a HubSpot property's internal name, such as hs_lead_status.",
      );
      writeFileSync(file, JSON.stringify({ rejection: { reason: "hs_lead_status" } }));
      const good = await cadence(["crm", "mapping", "set", file], env);
      expect(good.code).toBe(0);
      const shown = await cadence(["crm", "mapping", "get"], env);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        contact: { mql_at: "hs_v2_date_entered_marketingqualifiedlead" },
        rejection: { reason: "hs_lead_status", rejectedValues: ["UNQUALIFIED"] },
      });
    },
    SEVERAL_PROCESSES_MS,
  );

  it(
    "start refuses in one line when a CRM is connected and the key is missing or wrong",
    async () => {
      const slack = await new FakeSlack().start();
      try {
        for (const key of ["", randomBytes(32).toString("hex")]) {
          const cli = runCadence(["start"], {
            ...testEnv(slack, testDb.url),
            LOG_LEVEL: "silent",
            CADENCE_ENCRYPTION_KEY: key,
          });
          expect(await cli.exited).toBe(1);
          const lines = cli.stderr.join("").trim().split("\n");
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(
            key
              ? /^Cadence cannot start: the hubspot credentials of T0CADENCE cannot be opened: CADENCE_ENCRYPTION_KEY is not the key these credentials were stored with/
              : /^Cadence cannot start: a CRM is connected \(hubspot for T0CADENCE\) but CADENCE_ENCRYPTION_KEY is not set/,
          );
        }
      } finally {
        await slack.stop();
      }
    },
    SEVERAL_PROCESSES_MS,
  );

  it("disconnects", async () => {
    const run = await cadence(["crm", "disconnect"], env);
    expect(run.stdout.trim()).toBe(
      `The CRM is disconnected for ${TEAM}: its credentials are deleted. Leads already synced stay.`,
    );
  });
});
