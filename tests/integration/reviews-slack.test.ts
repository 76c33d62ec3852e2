// The definition reviews and the QBR from Slack: the MQL review fires with its data pack and the
// outcome question; "Definition confirmed" marks it done and records the decision, the next date
// six months on; Mark done asks for the outcome; the ICP review posts its pack; `/cadence review
// icp` answers privately; and the QBR scorecard is posted once at quarter end.
import { afterAll, beforeAll, expect, it } from "vitest";
import { approveVersion, proposeVersion, setLead } from "../../src/definitions/service.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ text?: string | { text: string }; action_id?: string; value?: string }>;
}
const blocksOf = (blocks: unknown) => (blocks as Block[] | undefined) ?? [];
const textOf = (blocks: unknown) =>
  blocksOf(blocks)
    .flatMap((b) => [
      b.text?.text ?? "",
      ...(b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : "")),
    ])
    .join("\n");
const buttons = (blocks: unknown) =>
  blocksOf(blocks)
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);

const lead = (
  slackTeamId: string,
  crmId: string,
  fields: { mqlAt: Date } & Record<string, unknown>,
) => ({
  slackTeamId,
  crmId,
  contentHash: crmId,
  industry: "software",
  companySize: "51-200",
  country: "US",
  ...fields,
});

describeEachDatabase("the definition reviews and the QBR in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const team = () => cadence.slack.teamId;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const review = (kind: string) =>
    db().cadence.findFirstOrThrow({ where: { slackTeamId: team(), kind } });

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-12-01T15:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0MIA", "Mia Marketing"],
      ["U0BOB", "Bob Demand"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
    await command("U0OPS", "assign mql <@U0MIA>");
    await command("U0OPS", "channel mql <#C0REVIEWS|reviews>");
    await command("U0OPS", "assign icp <@U0MIA>");
    await command("U0OPS", "channel icp <#C0REVIEWS|reviews>");
    await command("U0OPS", "channel weekly <#C0REVENUE|revenue>");
    await db().lead.createMany({
      data: [
        lead(team(), "A", {
          mqlAt: new Date("2026-10-05T15:00:00Z"),
          firstTouchAt: new Date("2026-10-05T15:02:00Z"),
          acceptedAt: new Date("2026-10-06T15:00:00Z"),
          closedWonAt: new Date("2026-11-04T15:00:00Z"),
          amount: "5000",
          source: "webinar",
        }),
        lead(team(), "B", {
          mqlAt: new Date("2026-10-12T15:00:00Z"),
          rejectedAt: new Date("2026-10-13T15:00:00Z"),
          rejectionReason: "no <!channel> budget",
          source: "paid *search*",
          industry: "retail",
        }),
      ],
    });
  });
  afterAll(() => cadence.stop());

  it("posts the MQL review with its data pack and asks what the review decided", async () => {
    const mql = await review("mql_definition_review");
    await db().cadence.update({
      where: { id: mql.id },
      data: { nextDueAt: new Date("2026-12-01T15:00:00Z") },
    });
    await cadence.sweep();
    const post = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === "C0REVIEWS" && textOf(call.args.blocks).includes("MQL definition"),
    );
    const text = textOf(post.args.blocks);
    expect(text).toContain("MQL definition review is due");
    expect(text).toContain("The last 90 days: 2026-09-02 to 2026-11-30 (America/New_York).");
    expect(text).toContain(
      "*MQL definition*: no version agreed yet (never agreed). Propose one with `/cadence definitions propose mql`.",
    );
    expect(text).toContain(
      "*Acceptance by month*\n2026-09: – (0 accepted, 0 rejected)\n2026-10: 50% (1 accepted, 1 rejected)\n2026-11: – (0 accepted, 0 rejected)",
    );
    // CRM text is escaped: no channel mention.
    expect(text).toContain("2026-10: no &lt;!channel&gt; budget 1");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain(
      "*MQL to won by source*\npaid *search*: 0% (0 won of 1 MQLs)\nwebinar: 100% (1 won of 1 MQLs)",
    );
    expect(blocksOf(post.args.blocks).length).toBeLessThanOrEqual(50);
    expect(buttons(post.args.blocks).map((b) => b.action_id)).toEqual([
      "review_outcome_confirmed",
      "review_outcome_proposed",
    ]);
  });

  it("records “definition confirmed” and counts the next review six months from then", async () => {
    const mql = await review("mql_definition_review");
    const post = cadence.slack
      .callsTo("chat.postMessage")
      .find((call) => call.args.channel === "C0REVIEWS")!;
    const confirm = buttons(post.args.blocks)[0]!;
    const refusedUrl = cadence.slack.responseUrl("bob-confirms");
    await cadence.requests.blockActions({
      user: "U0BOB",
      response_url: refusedUrl,
      actions: [{ action_id: confirm.action_id, value: confirm.value, type: "button" }],
    });
    const refused = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("bob-confirms"),
    );
    expect(refused.args.text).toContain("Only the DRI of *MQL definition review* (<@U0MIA>)");

    cadence.clock.set("2026-12-02T15:00:00Z");
    const url = cadence.slack.responseUrl("mia-confirms");
    await cadence.requests.blockActions({
      user: "U0MIA",
      response_url: url,
      actions: [{ action_id: confirm.action_id, value: confirm.value, type: "button" }],
    });
    const answer = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("mia-confirms"),
    );
    expect(answer.args.text).toContain(
      "Outcome: the definition is confirmed as it stands. The next review is due Wed, Jun 2, 10:00 EDT.",
    );
    const decisions = await db().reviewDecision.findMany({ where: { slackTeamId: team() } });
    expect(decisions).toMatchObject([
      { subject: "mql", outcome: "confirmed", decidedBySlackUserId: "U0MIA" },
    ]);
    const after = await db().cadence.findUniqueOrThrow({ where: { id: mql.id } });
    expect(after.lastCompletedAt).toEqual(new Date("2026-12-02T15:00:00Z"));
    expect(after.nextDueAt?.toISOString().slice(0, 10)).toBe("2027-06-02");
  });

  it("Mark done (the button or /cadence done) on a definition review asks for the outcome instead of closing it", async () => {
    const icp = await review("icp_review");
    const url = cadence.slack.responseUrl("mark-done");
    await cadence.requests.blockActions({
      user: "U0MIA",
      response_url: url,
      actions: [{ action_id: "cadence_mark_done", value: icp.id, type: "button" }],
    });
    const asked = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("mark-done"),
    );
    expect(textOf(asked.args.blocks)).toContain("What did the review decide?");
    const typed = (await command("U0MIA", "done icp")).json<{ blocks: Block[] }>();
    expect(textOf(typed.blocks)).toContain("What did the review decide?");
    expect(buttons(typed.blocks).map((b) => b.action_id)).toEqual([
      "review_outcome_confirmed",
      "review_outcome_proposed",
    ]);
    expect((await review("icp_review")).lastCompletedAt).toBeNull();
  });

  it("posts the ICP review's pack when it fires, and shows it privately on demand", async () => {
    const icp = await review("icp_review");
    await db().cadence.update({
      where: { id: icp.id },
      data: { nextDueAt: new Date("2026-12-02T15:00:00Z") },
    });
    await cadence.sweep();
    const post = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) =>
        call.args.channel === "C0REVIEWS" && textOf(call.args.blocks).includes("ICP review is due"),
    );
    const text = textOf(post.args.blocks);
    expect(text).toContain("*Closed deals*: 1 won, 0 lost, win rate 100%");
    expect(text).toContain(
      "*By industry*\nsoftware: 1 won · win rate 100% · median 5,000 · cycle 30.0 d",
    );

    const reply = (await command("U0BOB", "review icp")).json<{
      response_type: string;
      blocks: Block[];
    }>();
    expect(reply.response_type).toBe("ephemeral");
    expect(textOf(reply.blocks)).toContain("*Won deals in the ICP*: no ICP agreed yet");
  });

  it("posts the QBR scorecard once, in the funnel review's channel, when the quarter ends, and the ICP review's pack early when won deals fell outside the ICP", async () => {
    cadence.clock.set("2027-01-01T15:00:00Z");
    // An ICP (retail only) agreed on New Year's Day: Q4's one won deal, in software, falls outside.
    const deps = { db: db(), clock: cadence.clock };
    await setLead(db(), team(), "marketing", "U0MIA");
    await setLead(db(), team(), "sales", "U0OPS");
    const icp = await proposeVersion(deps, team(), "U0MIA", {
      subject: "icp",
      text: "Retailers.",
      terms: { industries: ["retail"] },
      effectiveOn: "2027-01-01",
    });
    if (!icp.ok) throw new Error(icp.message);
    await approveVersion(deps, team(), "U0MIA", icp.version.id);
    await approveVersion(deps, team(), "U0OPS", icp.version.id);
    await cadence.sweep();
    await cadence.sweep();
    const early = cadence.slack
      .callsTo("chat.postMessage")
      .filter(
        (call) =>
          call.args.channel === "DU0MIA" &&
          textOf(call.args.blocks).includes("fell outside the ICP"),
      );
    expect(early).toHaveLength(1);
    expect(textOf(early[0]!.args.blocks)).toContain(
      ":rotating_light: In 2026-Q4, 100% of won deals (1 of 1) fell outside the ICP, above 40%: the ICP review is due early.",
    );
    const posts = cadence.slack
      .callsTo("chat.postMessage")
      .filter(
        (call) =>
          call.args.channel === "C0REVENUE" && textOf(call.args.blocks).includes("QBR scorecard"),
      );
    expect(posts).toHaveLength(1);
    const text = textOf(posts[0]!.args.blocks);
    expect(text).toContain("QBR scorecard · 2026-Q4");
    expect(text).toContain("*MQL acceptance*: 50% (1 accepted, 1 rejected)");
    expect(text).toContain("*Speed-to-lead SLA compliance* (5 min): 50% (1 of 2 MQLs)");
    expect(text).toContain("*Attribution model*: never agreed");
    expect(text).toContain("*Alignment diagnostic*: no diagnostic yet");
    expect(text).toContain("MQL definition: never agreed, last reviewed 29 days ago");
    expect(text).toContain("Ideal customer profile (ICP): never agreed, never reviewed");
    // The MQL review was done within its grace; the ICP review fired on 2 December is still open.
    expect(text).toContain("MQL definition review: 100% (1/1)");
    expect(text).toContain("ICP review: 0% (0/1)");
    expect(text).toContain("<@U0MIA>: 50% (1/2)");
  });
});
