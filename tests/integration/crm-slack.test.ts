// `/cadence crm sync` and `/cadence crm status` through signed slash commands, the fake Slack and
// the fake HubSpot: an admin's sync posts its progress and summary in a DM thread, whose link the
// answer gives wherever the command was typed, and stores the leads; everyone else, a workspace
// without a CRM and a sync already running are refused.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { loadCrmConfig } from "../../src/config.js";
import { connectHubspot } from "../../src/crm/service.js";
import { slackSyncsIdle } from "../../src/crm/subcommands.js";
import { disconnectCrm } from "../../src/crm/service.js";
import { FakeHubspot } from "../fakes/fake-hubspot.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { seedPortal } from "../helpers/hubspot-portal.js";

interface Reply {
  text: string;
}

describeEachDatabase("the CRM from Slack", (provider) => {
  let cadence: CadenceUnderTest;
  let hubspot: FakeHubspot;
  let env: Record<string, string>;
  const command = async (user: string, text: string) =>
    (
      await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })
    ).json<Reply>();
  const db = () => cadence.running.database.db;
  const connect = async () => {
    const connected = await connectHubspot(
      db(),
      { config: loadCrmConfig(env) },
      { slackTeamId: cadence.slack.teamId, token: hubspot.accessToken },
    );
    expect(connected.ok).toBe(true);
  };

  beforeAll(async () => {
    hubspot = await new FakeHubspot().start();
    seedPortal(hubspot);
    env = {
      ADMIN_USER_IDS: "U0OPS",
      CADENCE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      HUBSPOT_API_URL: hubspot.baseUrl,
    };
    cadence = await startCadenceForTest({ provider, env });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0REP", real_name: "Rita Rep" });
  });
  beforeEach(async () => {
    cadence.slack.calls.length = 0;
    await db().lead.deleteMany({});
    await db().claim.deleteMany({});
    await disconnectCrm(db(), cadence.slack.teamId);
  });
  afterAll(async () => {
    await cadence.stop();
    await hubspot.stop();
  });

  it("syncs for an admin, with progress and a summary in the DM's thread, and stores the leads", async () => {
    await connect();
    cadence.slack.respond("chat.getPermalink", (call) => ({
      channel: call.args.channel,
      permalink: `https://acme.slack.com/archives/${String(call.args.channel)}/p${String(call.args.message_ts).replace(".", "")}`,
    }));
    // Typed in a channel: the answer there says where the progress is, with a link.
    const reply = (
      await cadence.requests.slashCommand({
        command: "/cadence",
        text: "crm sync",
        user_id: "U0OPS",
        channel_id: "C0REVOPS",
      })
    ).json<Reply>();
    await slackSyncsIdle();
    const posts = cadence.slack.callsTo("chat.postMessage").map((call) => call.args);
    const started = cadence.slack.messages.find((m) => m.text === "Syncing from HubSpot…")!;
    expect(started.channel).toBe("U0OPS");
    expect(reply.text).toBe(
      `Syncing from HubSpot: progress and the summary are in <https://acme.slack.com/archives/U0OPS/p${started.ts.replace(".", "")}|this thread in our DM>.`,
    );
    expect(cadence.slack.callsTo("chat.getPermalink")[0]!.args).toMatchObject({
      channel: "U0OPS",
      message_ts: started.ts,
    });
    const thread = posts.filter((post) => post.thread_ts === started.ts).map((p) => p.text);
    expect(thread[0]).toMatch(/^3 of about 3 records read so far/);
    expect(thread.at(-1)).toMatch(
      /^:white_check_mark: Sync finished: 3 records read, \d+ stored \(\d+ new, 0 updated\), 0 unchanged, \d+ refused, 0 removed\./,
    );
    expect(await db().lead.count({ where: { slackTeamId: cadence.slack.teamId } })).toBe(3);
    // The manual sync used the scheduled sync's claim family, and gave it back when done.
    expect(
      await db().claim.findMany({ where: { key: { startsWith: "crm.sync:" } } }),
    ).toMatchObject([{ status: "done" }]);

    const status = await command("U0OPS", "crm status");
    expect(status.text).toContain("*HubSpot* connected");
    expect(status.text).toContain("Last successful sync <!date^");
    expect(status.text).toContain("Records read 3, refused 0");
  });

  it("shows the CRM's sync health to admins on the Home tab, and not to others", async () => {
    await connect();
    await command("U0OPS", "crm sync");
    await slackSyncsIdle();
    const crmSection = async (user: string) => {
      const before = cadence.slack.callsTo("views.publish").length;
      await cadence.requests.event({
        type: "app_home_opened",
        user,
        channel: `D${user}`,
        tab: "home",
      });
      await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
      const blocks = (
        cadence.slack.callsTo("views.publish").at(-1)!.args.view as {
          blocks: Array<{ type: string; text?: { text: string } }>;
        }
      ).blocks;
      const at = blocks.findIndex((b) => b.type === "header" && b.text?.text === "CRM");
      return at < 0 ? null : blocks[at + 1]!.text!.text;
    };
    const shown = await crmSection("U0OPS");
    expect(shown).toContain("*HubSpot* connected");
    expect(shown).toMatch(/Last successful sync <!date\^\d+\^/);
    expect(shown).toContain("Records read 3, refused 0");
    expect(await crmSection("U0REP")).toBeNull();
  });

  it("says in words where the progress is when Slack gives no link", async () => {
    await connect();
    const noLink = cadence.slack.replyWhen("chat.getPermalink", () => true, {
      kind: "error",
      error: "message_not_found",
    });
    try {
      const reply = await command("U0OPS", "crm sync");
      await slackSyncsIdle();
      expect(reply.text).toBe(
        "Syncing from HubSpot: progress and the summary are in the thread of the “Syncing from HubSpot…” message in our DM (Cadence, under Apps).",
      );
      const started = cadence.slack.messages.find((m) => m.text === "Syncing from HubSpot…")!;
      expect(cadence.slack.messages.filter((m) => m.thread_ts === started.ts).at(-1)?.text).toMatch(
        /^:white_check_mark: Sync finished: 3 records read/,
      );
    } finally {
      noLink();
    }
  });

  it("refuses a sync to someone who is not an admin", async () => {
    await connect();
    const searches = hubspot.requestsTo("/crm/v3/objects/contacts/search").length;
    const reply = await command("U0REP", "crm sync");
    expect(reply.text).toBe(
      "Only an admin can sync the CRM: it changes the numbers everyone sees.",
    );
    expect((await command("U0REP", "crm status")).text).toBe(
      "Only an admin can see the CRM sync's health.",
    );
    expect(hubspot.requestsTo("/crm/v3/objects/contacts/search")).toHaveLength(searches);
    expect(cadence.slack.callsTo("chat.postMessage")).toEqual([]);
  });

  it("refuses when no CRM is connected", async () => {
    const reply = await command("U0OPS", "crm sync");
    expect(reply.text).toMatch(/^No CRM is connected for this workspace/);
    expect((await command("U0OPS", "crm status")).text).toMatch(/^No CRM is connected/);
  });

  it("refuses while a sync is already running for the workspace", async () => {
    await connect();
    // The scheduled sync holds the workspace's claim.
    await db().claim.create({
      data: {
        key: `crm.sync:${cadence.slack.teamId}:2026-11-23T14:00:00.000Z`,
        owner: "replica-b",
        status: "claimed",
        leaseUntil: new Date("2026-11-23T14:05:00Z"),
      },
    });
    const reply = await command("U0OPS", "crm sync");
    expect(reply.text).toMatch(/^A CRM sync is already running for this workspace/);
    expect(cadence.slack.callsTo("chat.postMessage")).toEqual([]);
  });

  it("stops a sync with a recorded error when HubSpot's daily allowance is under the floor", async () => {
    await connect();
    // Under the default floor: a tenth of the 250,000 daily calls.
    hubspot.dailyRemaining = 20_000;
    try {
      await command("U0OPS", "crm sync");
      await slackSyncsIdle();
    } finally {
      hubspot.dailyRemaining = 249_000;
    }
    const last = cadence.slack.callsTo("chat.postMessage").at(-1)!.args.text;
    expect(last).toMatch(
      /^:x: The sync stopped: HubSpot's daily API allowance is nearly used up \(20,000 of 250,000 calls left, under the floor of 25,000\)/,
    );
    const connection = await db().crmConnection.findUniqueOrThrow({
      where: { slackTeamId: cadence.slack.teamId },
    });
    expect(connection.lastError).toMatch(/^HubSpot's daily API allowance is nearly used up/);
    expect(connection.lastSuccessAt).toBeNull();
    expect((await command("U0OPS", "crm status")).text).toContain(":warning: Last error <!date^");
  });
});
