// The speed-to-lead watch while its workspace is uninstalled, and after it is reinstalled days later.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "../../src/funnel/tokens.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("the speed-to-lead watch of an uninstalled workspace", (provider) => {
  let cadence: CadenceUnderTest;
  let token: string;
  const db = () => cadence.running.database.db;
  const team = () => cadence.slack.teamId;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  const slaMessages = () =>
    cadence.slack.messages.filter((m) => /^sla:/.test(String(m.metadata?.event_payload.key)));
  const uninstalled = (at: Date | null) =>
    db().workspace.update({ where: { slackTeamId: team() }, data: { uninstalledAt: at } });
  const ingest = (id: string, mqlAt: string) =>
    fetch(`${cadence.baseUrl}/api/v1/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify([{ id, mql_at: mqlAt, owner: "ana@acme.test", source: "Web" }]),
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    for (const title of ["weekly", "win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
    await command("U0OPS", "sla-hours always");
    token = (await createApiToken(db(), team(), "crm")).token;
    await db().person.create({
      data: {
        slackTeamId: team(),
        slackUserId: "U0REPA",
        name: "Ana",
        email: "ana@acme.test",
        timezone: "UTC",
      },
    });
  });
  afterAll(() => cadence.stop());

  it("opens no batch while uninstalled, and sends no week-old step after a reinstall", async () => {
    cadence.clock.set("2026-11-23T14:00:20Z");
    expect((await ingest("U-1", "2026-11-23T14:00:00Z")).status).toBe(200);
    await uninstalled(new Date("2026-11-23T14:01:00Z"));
    await at("2026-11-23T14:05:00Z");
    expect(slaMessages()).toHaveLength(0);
    const [watch] = await db().slaWatch.findMany({ where: { crmId: "U-1" } });
    expect(watch!.batchKey).toBeNull();
    expect(await db().slaRecipient.count()).toBe(0);

    await uninstalled(null);
    await at("2026-12-02T15:00:00Z");
    expect(slaMessages()).toHaveLength(0);
    const after = await db().slaWatch.findFirstOrThrow({ where: { crmId: "U-1" } });
    expect(after.reachedStep).toBeGreaterThan(0);
    expect(after.lastToldAt).toBeNull();
  });

  it("passes, unsent, the steps of a batch opened before a long outage", async () => {
    cadence.clock.set("2026-12-03T14:00:20Z");
    expect((await ingest("U-2", "2026-12-03T14:00:00Z")).status).toBe(200);
    await db().slaWatch.updateMany({
      where: { crmId: "U-2" },
      data: { batchKey: `sla:${team()}:U0REPA:7`, batchStep: "owner" },
    });
    await at("2026-12-06T14:00:00Z");
    expect(slaMessages()).toHaveLength(0);
    const after = await db().slaWatch.findFirstOrThrow({ where: { crmId: "U-2" } });
    expect(after.batchKey).toBeNull();
    expect(after.lastToldAt).toBeNull();
  });
});
