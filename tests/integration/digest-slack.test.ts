// From CSV import to the Monday post: the weekly funnel review fires, the digest's Block Kit goes
// to its channel, the chart PNG is uploaded in the thread with the tables, and the MQL review's
// DRI hears once that rejections stayed high.
import { afterAll, beforeAll, expect, it } from "vitest";
import { csvFile } from "../../src/funnel/csv.js";
import { importLeads } from "../../src/funnel/import.js";
import { DIGEST_COLUMNS, DIGEST_ROWS } from "../fixtures/digest-week.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { writeCsv } from "../helpers/csv-files.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text: string }>;
}
const textsOf = (blocks: unknown) =>
  ((blocks as Block[] | undefined) ?? []).flatMap((b) => [
    b.text?.text ?? "",
    ...(b.fields ?? []).map((f) => f.text),
    ...(b.elements ?? []).map((e) => e.text),
  ]);

describeEachDatabase("the Monday digest in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-20T15:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0BOB", "Bob Demand"],
      ["U0MIA", "Mia Marketing"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await command("U0OPS", "assign mql <@U0MIA>");
    const summary = await importLeads(
      cadence.running.database,
      csvFile(writeCsv(DIGEST_COLUMNS, DIGEST_ROWS)),
      { slackTeamId: cadence.slack.teamId, timezone: "America/New_York", skipInvalid: false },
    );
    expect(summary.inserted).toBe(DIGEST_ROWS.length);
  });
  afterAll(() => cadence.stop());

  it("`/cadence digest` shows the week so far to the person who asked, privately", async () => {
    const reply = (await command("U0BOB", "digest")).json<{
      response_type: string;
      blocks: Block[];
    }>();
    expect(reply.response_type).toBe("ephemeral");
    const texts = textsOf(reply.blocks);
    expect(texts[0]).toBe("Funnel digest so far · 16–22 Nov 2026");
    expect(texts).toContain("*MQLs*\n4  ▲ 2");
    expect(texts.join("\n")).toContain("Only you can see this.");
  });

  it("posts the digest of the week that just ended on Monday, with the chart and tables in the thread", async () => {
    // The review is due Monday 2026-11-23 09:00 New York.
    await db().cadence.updateMany({
      where: { kind: "weekly_funnel_review" },
      data: { nextDueAt: new Date("2026-11-23T14:00:00Z") },
    });
    cadence.clock.set("2026-11-23T14:00:05Z");
    await cadence.sweep();

    const post = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "C0REVENUE" && !call.args.thread_ts,
    );
    const texts = textsOf(post.args.blocks);
    expect(texts[0]).toBe("Funnel digest · 16–22 Nov 2026");
    expect(texts).toEqual(
      expect.arrayContaining([
        "*MQLs*\n4  ▲ 2",
        "*Accepted (SQL)*\n2  ▲ 1",
        "*Rejected*\n3  ▲ 3",
        "*Won*\n2  ▲ 2 · 1,000.30",
        "*Lost*\n0  ▼ 1",
      ]),
    );
    const all = texts.join("\n");
    expect(all).toContain("*MQL acceptance* 40% (2 accepted, 3 rejected)");
    expect(all).toContain("MQL→SQL 40% · SQL→Opp 75% · Opp→Won 66.7%");
    expect(all).toContain("*Speed to lead* (SLA 5 min): *50%* within SLA · median 5.0 min");
    expect(all).toContain("*Top rejection reasons*: no budget 2 (66.7%) · wrong persona 1 (33.3%)");
    expect(all).toContain(
      "marketing-sourced 1 · sales 1 · partner 0 · other 0 · marketing-influenced 1",
    );
    expect(all).toContain("MQL rejection rate above 30% two months running* (Sep 100%, Oct 66.7%)");
    expect(all).toContain("<@U0MIA>, the MQL-definition review is due early.");
    expect(all).toContain("DRI: <@U0BOB>");
    expect((post.args.blocks as Block[]).length).toBeLessThanOrEqual(50);

    // The chart: a PNG uploaded with files.uploadV2 into the digest's thread.
    const ts = cadence.slack.messages.find((m) => m.channel === "C0REVENUE" && !m.thread_ts)!.ts;
    await cadence.slack.waitForCall("files.completeUploadExternal");
    const [chart] = cadence.slack.uploads();
    expect(chart).toMatchObject({
      channel: "C0REVENUE",
      threadTs: ts,
      name: "funnel-2026-11-16.png",
    });
    expect(chart!.content.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    // The tables: one thread reply.
    const thread = cadence.slack.messages.filter((m) => m.thread_ts === ts);
    expect(thread).toHaveLength(1);
    const tables = textsOf(thread[0]!.blocks).join("\n");
    expect(tables).toContain("*Speed to lead by rep* (SLA 5 min)");
    expect(tables).toMatch(/rep-a\s+2\s+5\.0 min\s+5\.0 min\s+50%\s+0/);
    expect(tables).toMatch(/webinar\s+2\s+2\.5 min\s+5\.0 min\s+100%\s+0/);

    // The MQL review's DRI is told by DM, once.
    const alerts = () =>
      cadence.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "DU0MIA");
    await cadence.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "DU0MIA");
    expect(String(alerts()[0]!.args.text)).toContain("above 30% for two months");
    expect(await db().occurrence.count({ where: { status: "posted" } })).toBeGreaterThan(0);
  });

  it("does not tell the MQL review's DRI again the next week", async () => {
    await db().cadence.updateMany({
      where: { kind: "weekly_funnel_review" },
      data: { nextDueAt: new Date("2026-11-30T14:00:00Z") },
    });
    cadence.clock.set("2026-11-30T14:00:05Z");
    await cadence.sweep();
    await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "C0REVENUE" && String(call.args.text).includes("23–29 Nov"),
    );
    // Same two months (September, October) still above the threshold: no second alert, and no
    // second copy of the review's data pack (the first week sent one of each).
    expect(
      cadence.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "DU0MIA"),
    ).toHaveLength(2);
  });
});
