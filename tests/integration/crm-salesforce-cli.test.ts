// `cadence crm …` for Salesforce as a self-hoster runs it: the real command in a child process,
// the consumer key and secret piped on stdin (never in arguments), Salesforce faked on loopback.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { FakeSalesforce } from "../fakes/fake-salesforce.js";
import { freshWorkdir, PROJECT_ROOT } from "../helpers/cadence-process.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";

const TEAM = "T0CADENCE";

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

describe("the cadence crm commands with Salesforce", () => {
  let testDb: TestDatabase;
  let org: FakeSalesforce;
  let env: Record<string, string>;
  let leadId = "";

  beforeAll(async () => {
    org = await new FakeSalesforce().start();
    const ana = org.putUser({ Email: "ana@acme.test", role: "Enterprise" });
    leadId = org.put("Lead", {
      LastName: "Lovelace",
      Company: "Analytical",
      Status: "Open - Not Contacted",
      OwnerId: ana,
      LeadSource: "Web",
      Country: "United Kingdom",
    }).Id;
    testDb = await createTestDatabase("sqlite");
    await migrateDatabase(testDb.url);
    const database = openDatabase(testDb.url);
    await database.db.workspace.create({
      data: { slackTeamId: TEAM, name: "Acme", timezone: "UTC", settings: {} },
    });
    await database.close();
    env = { DATABASE_URL: testDb.url, CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  });
  afterAll(async () => {
    await org.stop();
    await testDb.drop();
  });

  it("asks for the login URL, and for both secrets", async () => {
    const noUrl = await cadence(["crm", "connect", "salesforce"], env, "a\nb\n");
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain("Give your org's login URL: --login-url https://");
    const one = await cadence(
      ["crm", "connect", "salesforce", "--login-url", org.baseUrl],
      env,
      `${org.clientId}\n`,
    );
    expect(one.code).toBe(1);
    expect(one.stderr.trim()).toBe(
      "Give the consumer key and the consumer secret: at the two prompts, or piped in on two lines. Nothing was stored.",
    );
  });

  it("connects with the key and secret from stdin, then previews, syncs and shows status", async () => {
    const connect = await cadence(
      ["crm", "connect", "salesforce", "--login-url", org.baseUrl, "--workspace", TEAM],
      env,
      `${org.clientId}\n${org.clientSecret}\n`,
    );
    expect(connect.stderr).toBe("");
    expect(connect.stdout.trim()).toBe(
      `Salesforce is connected for ${TEAM}; the consumer key and secret are stored encrypted. Next: \`cadence crm preview\`, then \`cadence crm sync\`.`,
    );

    const preview = await cadence(["crm", "preview", "--limit", "3"], env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`Lead ${leadId}\n  Salesforce values:\n`);
    expect(preview.stdout).toContain("    Lead.LeadSource = Web\n");
    expect(preview.stdout).toContain("    owner = ana@acme.test\n");
    expect(preview.stdout).toContain(
      "1 lead previewed: 1 would be stored, 0 refused. Nothing was written.",
    );

    const sync = await cadence(["crm", "sync"], env);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/^Synced 1 of about 1 leads \(changed up to /);
    expect(sync.stdout).toContain(
      "Synced 1 Salesforce lead: 1 new, 0 updated, 0 unchanged, 0 refused.",
    );

    const status = await cadence(["crm", "status"], env);
    expect(status.stdout).toContain(`CRM:            salesforce for ${TEAM} (${org.baseUrl})`);
    expect(status.stdout).toContain("Records:        1 read, 0 refused (all syncs)");
    for (const output of [connect, preview, sync, status])
      expect(output.stdout + output.stderr).not.toContain(org.clientSecret);
  });

  it("sets a mapping from a file, checked against Salesforce's mapping", async () => {
    const file = path.join(freshWorkdir(), "mapping.json");
    writeFileSync(file, JSON.stringify({ lead: { source: "Lead Source" } }));
    const bad = await cadence(["crm", "mapping", "set", file], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      "The mapping was not changed: lead.source must be a Salesforce field's API name, such as LeadSource or Rejection_Reason__c.",
    );
    writeFileSync(file, JSON.stringify({ owner: { team: "Department" } }));
    expect((await cadence(["crm", "mapping", "set", file], env)).code).toBe(0);
    const shown = await cadence(["crm", "mapping", "get"], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      owner: { team: "Department" },
      stages: { mql_at: { statuses: [], field: "CreatedDate" } },
    });
  });

  it("disconnects", async () => {
    const run = await cadence(["crm", "disconnect"], env);
    expect(run.stdout.trim()).toBe(
      `The CRM is disconnected for ${TEAM}: its credentials are deleted. Leads already synced stay.`,
    );
  });
});
