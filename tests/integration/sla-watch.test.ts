// The speed-to-lead watch end to end: leads pushed through POST /api/v1/leads, a test clock moved
// across each step, and the DMs the fake Slack received.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "../../src/funnel/tokens.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; url?: string; value?: string; text?: unknown }>;
}

describeEachDatabase("the speed-to-lead watch", (provider) => {
  let cadence: CadenceUnderTest;
  let token: string;
  const db = () => cadence.running.database.db;
  const team = () => cadence.slack.teamId;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text?: string;
      blocks?: Block[];
    }>();
  const ingest = async (records: Array<Record<string, unknown>>) => {
    const response = await fetch(`${cadence.baseUrl}/api/v1/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(records),
    });
    expect(response.status).toBe(200);
  };
  const at = async (instant: string) => {
    cadence.clock.set(instant);
    await cadence.sweep();
  };
  /** The speed-to-lead DMs a person (or channel) received, oldest first. */
  const dmsTo = (target: string) =>
    cadence.slack.messages.filter(
      (m) =>
        m.channel === (target.startsWith("U") ? `D${target}` : target) &&
        /^sla:/.test(String(m.metadata?.event_payload.key as string | undefined)),
    );
  /** The lead ids a DM lists, in its order. */
  const leadsIn = (message: { blocks?: unknown }) =>
    ((message.blocks ?? []) as Block[])
      .filter((b) => b.type === "section")
      .map((b) => /^\*([^*]+)\*/.exec(b.text!.text)?.[1])
      .filter(Boolean);
  const person = (slackUserId: string, email: string, managerSlackUserId: string | null = null) =>
    db().person.create({
      data: {
        slackTeamId: team(),
        slackUserId,
        name: slackUserId,
        email,
        timezone: "America/New_York",
        managerSlackUserId,
      },
    });
  const lead = (id: string, owner: string, mqlAt: string, extra: Record<string, unknown> = {}) => ({
    id,
    mql_at: mqlAt,
    owner,
    team: "East",
    source: "Demo request",
    ...extra,
  });

  beforeAll(async () => {
    // Monday 2026-11-23, 09:00 in New York (the workspace's timezone).
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-23T14:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    for (const title of ["weekly", "win/loss", "quarterly", "content", "icp", "mql"])
      await command("U0OPS", `pause ${title}`);
    token = (await createApiToken(db(), team(), "crm")).token;
    await person("U0REPA", "ana@acme.test", "U0SLACKMGR");
    await person("U0REPB", "ben@acme.test");
    await person("U0REPC", "cy@acme.test");
    await person("U0REPD", "dee@acme.test");
    await person("U0REPE", "eve@acme.test");
    await person("U0REPF", "fay@acme.test");
    expect((await command("U0OPS", "team East <@U0MARIA>")).text).toContain("<@U0MARIA>");
    expect((await command("U0OPS", "sla-escalation vp <@U0VP>")).text).toContain("<@U0VP>");
    expect(
      (await command("U0OPS", "sla-escalation crm-link https://crm.example.com/leads/{id}")).text,
    ).toContain("crm.example.com");
  });
  afterAll(() => cadence.stop());

  it("tells the owner when the SLA runs out, the team's manager at 30 minutes and the VP at 2 hours", async () => {
    cadence.clock.set("2026-11-23T14:00:20Z");
    await ingest([lead("L-1", "ana@acme.test", "2026-11-23T14:00:00Z")]);
    await at("2026-11-23T14:04:59Z");
    expect(dmsTo("U0REPA")).toHaveLength(0);
    await at("2026-11-23T14:05:00Z");
    const [owner] = dmsTo("U0REPA");
    expect(leadsIn(owner!)).toEqual(["L-1"]);
    const blocks = owner!.blocks as Block[];
    expect(blocks[1]!.text!.text).toContain("source Demo request");
    expect(blocks[1]!.text!.text).toContain("waiting 5 min");
    const buttons = blocks.find((b) => b.type === "actions")!.elements!;
    expect(buttons.map((b) => b.url ?? b.action_id)).toEqual([
      "https://crm.example.com/leads/L-1",
      "sla_snooze",
    ]);

    await at("2026-11-23T14:29:59Z");
    expect(dmsTo("U0MARIA")).toHaveLength(0);
    await at("2026-11-23T14:30:00Z");
    expect(dmsTo("U0MARIA").map(leadsIn)).toEqual([["L-1"]]);
    // The team's manager set by the admin, not the owner's manager in Slack.
    expect(dmsTo("U0SLACKMGR")).toHaveLength(0);
    expect(String((dmsTo("U0MARIA")[0]!.blocks as Block[])[1]!.text!.text)).toContain("<@U0REPA>");

    await at("2026-11-23T15:59:59Z");
    expect(dmsTo("U0VP")).toHaveLength(0);
    await at("2026-11-23T16:00:00Z");
    expect(dmsTo("U0VP").map(leadsIn)).toEqual([["L-1"]]);
    await at("2026-11-23T20:00:00Z");
    expect(dmsTo("U0REPA")).toHaveLength(1);
    expect(dmsTo("U0MARIA")).toHaveLength(1);
    expect(dmsTo("U0VP")).toHaveLength(1);
  });

  it("batches breaches due together into one DM, at most one per person every 5 minutes, newest first", async () => {
    cadence.clock.set("2026-11-24T14:00:10Z");
    // 14 leads: the first due at 09:05, the rest within the next minutes.
    await ingest(
      Array.from({ length: 14 }, (_, i) =>
        lead(
          `B-${i + 1}`,
          "ben@acme.test",
          `2026-11-24T14:0${i ? 1 : 0}:${String(i).padStart(2, "0")}Z`,
          {
            team: "West",
          },
        ),
      ),
    );
    await at("2026-11-24T14:05:00Z");
    expect(dmsTo("U0REPB").map(leadsIn)).toEqual([["B-1"]]);
    await at("2026-11-24T14:06:30Z");
    await at("2026-11-24T14:09:59Z");
    expect(dmsTo("U0REPB")).toHaveLength(1);
    await at("2026-11-24T14:10:00Z");
    const second = dmsTo("U0REPB")[1]!;
    expect(second.text).toBe("13 leads are waiting past their SLA");
    expect(leadsIn(second)).toEqual([
      "B-14",
      "B-13",
      "B-12",
      "B-11",
      "B-10",
      "B-9",
      "B-8",
      "B-7",
      "B-6",
      "B-5",
    ]);
    expect(JSON.stringify(second.blocks)).toContain("…and 3 more.");
  });

  it("sends nothing more once the touch arrives: not the owner's step, not the manager's", async () => {
    cadence.clock.set("2026-11-25T14:00:05Z");
    await ingest([
      lead("T-1", "cy@acme.test", "2026-11-25T14:00:00Z"),
      lead("T-2", "cy@acme.test", "2026-11-25T14:00:00Z", { team: "North" }),
    ]);
    await at("2026-11-25T14:04:00Z");
    await ingest([
      lead("T-1", "cy@acme.test", "2026-11-25T14:00:00Z", {
        first_touch_at: "2026-11-25T14:03:00Z",
      }),
    ]);
    await at("2026-11-25T14:05:00Z");
    expect(dmsTo("U0REPC").map(leadsIn)).toEqual([["T-2"]]);
    cadence.clock.set("2026-11-25T14:20:00Z");
    await ingest([
      lead("T-2", "cy@acme.test", "2026-11-25T14:00:00Z", {
        team: "North",
        first_touch_at: "2026-11-25T14:19:00Z",
      }),
    ]);
    for (const instant of ["2026-11-25T14:30:00Z", "2026-11-25T16:00:00Z", "2026-11-25T18:00:00Z"])
      await at(instant);
    expect(dmsTo("U0REPC")).toHaveLength(1);
    const watches = await db().slaWatch.findMany({
      where: { crmId: { in: ["T-1", "T-2"] } },
      orderBy: { crmId: "asc" },
    });
    expect(watches.map((w) => [w.status, w.reachedStep, w.nextDueAt])).toEqual([
      ["touched", 0, null],
      ["touched", 1, null],
    ]);
  });

  it("pages nobody for a lead that arrives long after its SLA ran out, and counts it as found late", async () => {
    cadence.clock.set("2026-11-26T17:00:00Z");
    await ingest([lead("OLD-1", "dee@acme.test", "2026-11-26T14:00:00Z", { team: "South" })]);
    await at("2026-11-26T17:00:10Z");
    await at("2026-11-26T19:00:00Z");
    expect(dmsTo("U0REPD")).toHaveLength(0);
    expect(dmsTo("U0VP").filter((m) => leadsIn(m).includes("OLD-1"))).toHaveLength(0);
    const watch = await db().slaWatch.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: team(), crmId: "OLD-1" } },
    });
    expect(watch.status).toBe("late");
    const board = await command("U0REPD", "sla");
    const text = JSON.stringify(board.blocks);
    expect(text).toContain("*South*: 0% inside the SLA · 0 met · 1 breached (1 found late)");
  });

  it("starts the clock at 08:00 for a lead that arrives at 23:00, and snoozes on request", async () => {
    // Thursday 23:00 in New York; the SLA runs out at 08:05 on Friday.
    cadence.clock.set("2026-11-27T04:00:30Z");
    await ingest([lead("N-1", "eve@acme.test", "2026-11-27T04:00:00Z", { team: "Night" })]);
    await at("2026-11-27T04:05:00Z");
    await at("2026-11-27T13:04:59Z");
    expect(dmsTo("U0REPE")).toHaveLength(0);
    await at("2026-11-27T13:05:00Z");
    const [dm] = dmsTo("U0REPE");
    expect(leadsIn(dm!)).toEqual(["N-1"]);
    const snooze = (dm!.blocks as Block[])
      .find((b) => b.type === "actions")!
      .elements!.find((e) => e.action_id === "sla_snooze")!;
    const responseUrl = cadence.slack.responseUrl();
    await cadence.requests.blockActions({
      user: "U0REPE",
      response_url: responseUrl,
      actions: [{ action_id: "sla_snooze", value: snooze.value, type: "button" }],
    });
    const reply = await cadence.slack.waitForCall("response_url", (call) =>
      JSON.stringify(call.args).includes("Snoozed"),
    );
    expect(String(reply.args.text)).toContain("if N-1 is still untouched in 10 minutes");
    // The reminder comes 10 minutes later (the throttle allows it: more than 5 minutes apart).
    await at("2026-11-27T13:14:59Z");
    expect(dmsTo("U0REPE")).toHaveLength(1);
    await at("2026-11-27T13:15:00Z");
    expect(dmsTo("U0REPE")).toHaveLength(2);
    expect(JSON.stringify(dmsTo("U0REPE")[1]!.blocks)).toContain("you snoozed this lead");
  });

  it("sends a step that fell due while Cadence was down on start, marked late; one too old is not sent", async () => {
    // Monday 2026-11-30, 09:00 in New York.
    cadence.clock.set("2026-11-30T14:00:30Z");
    await ingest([lead("D-1", "fay@acme.test", "2026-11-30T14:00:00Z")]);
    // Down from before 09:05 until 10:00: the owner's step is sent then, saying it is late.
    await at("2026-11-30T15:00:00Z");
    const [dm] = dmsTo("U0REPF");
    expect(leadsIn(dm!)).toEqual(["D-1"]);
    expect(JSON.stringify(dm!.blocks)).toContain("Sent late: it was due Mon, Nov 30, 09:05 EST.");
    // Down again past the catch-up window (6 hours): the manager's and VP's steps are not sent.
    await at("2026-12-01T14:00:00Z");
    expect(dmsTo("U0MARIA").filter((m) => leadsIn(m).includes("D-1"))).toHaveLength(0);
    expect(dmsTo("U0VP").filter((m) => leadsIn(m).includes("D-1"))).toHaveLength(0);
  });

  it("shows each person their open breaches, and today's compliance for their teams, in the Home tab", async () => {
    const openHome = async (user: string) => {
      const before = cadence.slack.callsTo("views.publish").length;
      await cadence.requests.event({
        type: "app_home_opened",
        user,
        channel: `D${user}`,
        tab: "home",
      });
      await expect.poll(() => cadence.slack.callsTo("views.publish").length).toBe(before + 1);
      return JSON.stringify(cadence.slack.callsTo("views.publish").at(-1)!.args.view);
    };
    cadence.slack.addUser({
      id: "U0REPF",
      real_name: "Fay",
      tz: "America/New_York",
      profile: { email: "fay@acme.test" },
    });
    // Tuesday 2026-12-01, 10:00 in New York.
    cadence.clock.set("2026-12-01T15:00:00Z");
    await ingest([
      lead("H-1", "fay@acme.test", "2026-12-01T14:50:00Z"),
      lead("H-2", "fay@acme.test", "2026-12-01T14:40:00Z", {
        first_touch_at: "2026-12-01T14:42:00Z",
      }),
    ]);
    const home = await openHome("U0REPF");
    expect(home).toContain("Speed to lead today (2026-12-01)");
    expect(home).toContain("*East*: 50% inside the SLA · 1 met · 1 breached");
    expect(home).not.toContain("*Everyone*");
    expect(home).toContain("*Your open breaches (2)*");
    expect(home.indexOf("*H-1*")).toBeLessThan(home.indexOf("*D-1*"));

    const admin = await openHome("U0OPS");
    expect(admin).toContain("*Everyone*: 50% inside the SLA · 1 met · 1 breached");
    expect(admin).toContain("*Your open breaches (0)*");
  });
});
