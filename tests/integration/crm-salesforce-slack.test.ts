// `/cadence crm sync` and `/cadence crm status` with Salesforce connected, through signed slash
// commands, the fake Slack and the fake Salesforce org: the admin's DM thread shows the progress
// and the summary, the leads are stored, and a sync stopped by the org's API floor says why.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadCrmConfig } from "../../src/config.js";
import { connectSalesforce } from "../../src/crm/service.js";
import { slackSyncsIdle } from "../../src/crm/subcommands.js";
import { FakeSalesforce } from "../fakes/fake-salesforce.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Reply {
  text: string;
}

describeEachDatabase("Salesforce from Slack", (provider) => {
  let cadence: CadenceUnderTest;
  let org: FakeSalesforce;
  const command = async (user: string, text: string) =>
    (
      await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })
    ).json<Reply>();
  const db = () => cadence.running.database.db;
  const thread = () => {
    const started = cadence.slack.messages.findLast((m) => m.text === "Syncing from Salesforce…")!;
    expect(started.channel).toBe("U0OPS");
    return cadence.slack
      .callsTo("chat.postMessage")
      .map((call) => call.args)
      .filter((post) => post.thread_ts === started.ts)
      .map((post) => String(post.text));
  };

  beforeAll(async () => {
    org = await new FakeSalesforce().start();
    org.pageSize = 2;
    const owner = org.putUser({ Email: "ana@acme.test", role: "Enterprise" });
    for (const name of ["One", "Two", "Three"])
      org.put("Lead", { LastName: name, Status: "Open - Not Contacted", OwnerId: owner });
    const env = {
      ADMIN_USER_IDS: "U0OPS",
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      SALESFORCE_DAILY_FLOOR: "500",
    };
    cadence = await startCadenceForTest({ provider, env });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    const connected = await connectSalesforce(
      db(),
      { config: loadCrmConfig(env) },
      {
        slackTeamId: cadence.slack.teamId,
        loginUrl: org.baseUrl,
        clientId: org.clientId,
        clientSecret: org.clientSecret,
      },
    );
    expect(connected.ok).toBe(true);
  });
  afterAll(async () => {
    await cadence.stop();
    await org.stop();
  });

  it("syncs for an admin, with progress and the summary in the DM's thread", async () => {
    const reply = await command("U0OPS", "crm sync");
    expect(reply.text).toBe(
      "Syncing from Salesforce: progress and the summary are in the thread of the “Syncing from Salesforce…” message in our DM (Cadence, under Apps).",
    );
    await slackSyncsIdle();
    const texts = thread();
    expect(texts[0]).toMatch(/^2 of about 3 records read so far/);
    expect(texts.at(-1)).toBe(
      ":white_check_mark: Sync finished: 3 records read, 3 stored (3 new, 0 updated), 0 unchanged, 0 refused, 0 removed.",
    );
    expect(await db().lead.count({ where: { slackTeamId: cadence.slack.teamId } })).toBe(3);
    const status = await command("U0OPS", "crm status");
    expect(status.text).toContain("*Salesforce* connected");
    expect(status.text).toContain("Records read 3, refused 0");
  });

  it("stops under SALESFORCE_DAILY_FLOOR and tells the admin why, in the thread and the status", async () => {
    org.apiUsage = { used: 99_800, limit: 100_000 };
    // The test clock stands still: the first sync's finished claim would hold the same key.
    await db().claim.deleteMany({});
    cadence.slack.calls.length = 0;
    const reply = await command("U0OPS", "crm sync");
    expect(reply.text).toMatch(/^Syncing from Salesforce/);
    await slackSyncsIdle();
    expect(thread().at(-1)).toMatch(
      /^:x: The sync stopped: Salesforce's daily API allowance is nearly used up \(19\d of 100,000 requests left, under the floor of 500\)/,
    );
    const status = await command("U0OPS", "crm status");
    expect(status.text).toContain(":warning: Last error");
    expect(status.text).toContain("SALESFORCE_DAILY_FLOOR");
  });
});
