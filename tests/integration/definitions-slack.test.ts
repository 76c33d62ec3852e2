// The definitions register from Slack: the leads named, a version proposed (by the form and by
// `/cadence sla`), approved by one side then the other with the Approve button, put in force (the
// SLA setting the digest reads changes only then), and `/cadence definitions` showing who
// approved what and when.
import { afterAll, beforeAll, expect, it } from "vitest";
import { settingsOf } from "../../src/workspaces/settings.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ text?: string | { text: string }; action_id?: string; value?: string }>;
}
const textOf = (blocks: unknown) =>
  ((blocks as Block[] | undefined) ?? [])
    .flatMap((b) => [
      b.text?.text ?? "",
      ...(b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : "")),
    ])
    .join("\n");
const approveValue = (blocks: unknown) =>
  (blocks as Block[]).find((b) => b.type === "actions")!.elements![0]!.value!;

describeEachDatabase("the definitions register in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  const command = (user: string, text: string) =>
    cadence.requests.slashCommand({ command: "/cadence", text, user_id: user });
  const settings = async () =>
    settingsOf(
      await db().workspace.findUniqueOrThrow({ where: { slackTeamId: cadence.slack.teamId } }),
    );
  const click = async (user: string, value: string, id: string) => {
    const url = cadence.slack.responseUrl(id);
    await cadence.requests.blockActions({
      user,
      response_url: url,
      actions: [{ action_id: "definition_approve", value, type: "button" }],
    });
    return cadence.slack.waitForCall("response_url", (call) => String(call.args.url).endsWith(id));
  };
  const dmTo = (user: string, contains: string) =>
    cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === user && JSON.stringify(call.args).includes(contains),
    );

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-12-01T15:00:00Z",
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0MIA", "Mia Marketing"],
      ["U0SAM", "Sam Sales"],
      ["U0EVE", "Eve Elsewhere"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
  });
  afterAll(() => cadence.stop());

  it("only an admin names the leads", async () => {
    expect(
      (await command("U0EVE", "leads marketing <@U0MIA>")).json<{ text: string }>().text,
    ).toContain("Only a workspace admin or a Cadence admin");
    await command("U0OPS", "leads marketing <@U0MIA|mia>");
    const reply = await command("U0OPS", "leads sales <@U0SAM>");
    expect(reply.json<{ text: string }>().text).toBe(
      "<@U0SAM> is now the sales lead: they approve new versions of the definitions for sales.",
    );
    expect(await settings()).toMatchObject({
      marketingLeadSlackUserId: "U0MIA",
      salesLeadSlackUserId: "U0SAM",
    });
  });

  it("`/cadence sla 10` proposes a version; the SLA changes only once both leads approve it", async () => {
    const reply = (await command("U0OPS", "sla 10")).json<{ text: string }>();
    expect(reply.text).toBe(
      ":memo: You proposed Speed-to-lead SLA v1, effective 2026-12-01. It waits for <@U0MIA> and <@U0SAM> to approve it. The current setting stays until then.",
    );
    expect((await settings()).slaMinutes).toBeUndefined();
    const toMia = await dmTo("U0MIA", "Speed-to-lead SLA v1");
    const toSam = await dmTo("U0SAM", "Speed-to-lead SLA v1");
    expect(textOf(toMia.args.blocks)).toContain(
      ":memo: <@U0OPS> proposes *Speed-to-lead SLA v1*, effective 2026-12-01:\n>A high-intent inbound MQL is first touched within 10 minutes.",
    );
    const value = approveValue(toSam.args.blocks);

    const refused = await click("U0EVE", value, "eve-approves");
    expect(refused.args.text).toBe(
      "Only the marketing lead (<@U0MIA>) and the sales lead (<@U0SAM>) approve a definition. Nothing was changed.",
    );

    const first = await click("U0MIA", value, "mia-approves");
    expect(first.args).toMatchObject({ replace_original: true });
    expect(first.args.text).toContain(
      ":ballot_box_with_check: You approved *Speed-to-lead SLA v1*; it waits for the other side.",
    );
    expect((await settings()).slaMinutes).toBeUndefined();
    const twice = await click("U0MIA", value, "mia-again");
    expect(twice.args.text).toBe(
      "You have already approved this version; it now waits for the other side.",
    );

    const second = await click("U0SAM", value, "sam-approves");
    expect(second.args.text).toContain(
      ":white_check_mark: *Speed-to-lead SLA v1* is approved by both sides and in force from today. marketing <@U0MIA> on 2026-12-01 · sales <@U0SAM> on 2026-12-01",
    );
    expect((await settings()).slaMinutes).toBe(10);
    await dmTo("U0OPS", "is approved by both sides");
    const row = await db().definitionVersion.findFirstOrThrow({ where: { subject: "sla" } });
    expect(row).toMatchObject({
      version: 1,
      marketingApprovedBySlackUserId: "U0MIA",
      salesApprovedBySlackUserId: "U0SAM",
    });
    expect(row.agreedAt).toEqual(new Date("2026-12-01T15:00:00Z"));
    expect(row.appliedAt).toEqual(new Date("2026-12-01T15:00:00Z"));
  });

  it("proposes an ICP through the form, and lists every definition with its agreement status", async () => {
    await command("U0MIA", "definitions propose icp");
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("definition_propose_submit");
    const submit = (values: Record<string, Record<string, unknown>>) =>
      cadence.requests.viewSubmission({
        user: "U0MIA",
        view: { ...view, id: "V0ICP", state: { values } },
      });
    const values = (effective: string) => ({
      text: { value: { type: "plain_text_input", value: "Mid-market software in North America." } },
      effective: { value: { type: "datepicker", selected_date: effective } },
      industries: { value: { type: "plain_text_input", value: "software, fintech, Software" } },
      sizes: { value: { type: "plain_text_input", value: "51-200\n201-1000" } },
      countries: { value: { type: "plain_text_input", value: "US, CA" } },
      outside: { value: { type: "plain_text_input", value: "150" } },
    });
    const refused = (await submit(values("2026-11-30"))).json<{ errors: Record<string, string> }>();
    expect(refused.errors).toEqual({ outside: "Give a percentage between 1 and 99, e.g. 30." });
    const past = {
      ...values("2026-11-30"),
      outside: { value: { type: "plain_text_input", value: "35%" } },
    };
    expect((await submit(past)).json<{ errors: Record<string, string> }>().errors).toEqual({
      effective: "The effective date must be today (2026-12-01) or later. Nothing was changed.",
    });
    // A date of the right shape that is not on the calendar.
    const impossible = {
      ...past,
      effective: { value: { type: "datepicker", selected_date: "2027-02-30" } },
    };
    expect((await submit(impossible)).json<{ errors: Record<string, string> }>().errors).toEqual({
      effective: expect.stringContaining('"2027-02-30" is not a date'),
    });
    expect(await db().definitionVersion.count({ where: { subject: "icp" } })).toBe(0);
    const ok = {
      ...past,
      effective: { value: { type: "datepicker", selected_date: "2027-01-01" } },
    };
    expect((await submit(ok)).status).toBe(200);
    const toSam = await dmTo("U0SAM", "Ideal customer profile (ICP) v1");
    expect(textOf(toSam.args.blocks)).toContain(
      "Industries: software, fintech · Sizes: 51-200, 201-1000 · Countries: US, CA · early review above 35% outside",
    );

    const url = cadence.slack.responseUrl("register");
    await cadence.requests.slashCommand({
      command: "/cadence",
      text: "definitions",
      user_id: "U0SAM",
      response_url: url,
    });
    const listed = await cadence.slack.waitForCall("response_url", (call) =>
      String(call.args.url).endsWith("register"),
    );
    const text = textOf(listed.args.blocks);
    expect(text).toContain("*Speed-to-lead SLA* · approved by both\nv1, in force since 2026-12-01");
    expect(text).toContain(
      "Approved: marketing <@U0MIA> on 2026-12-01 · sales <@U0SAM> on 2026-12-01",
    );
    expect(text).toContain(
      "*Ideal customer profile (ICP)* · pending approval\nNo version agreed yet.",
    );
    expect(text).toContain("*Attribution model* · never agreed");
    expect(text).toContain("*MQL definition* · never agreed");
  });
  it("puts a version agreed ahead of its date in force on that date, through the scheduler", async () => {
    await cadence.requests.slashCommand({
      command: "/cadence",
      text: "definitions propose sla",
      user_id: "U0SAM",
      trigger_id: "9.9.sla",
    });
    const opened = await cadence.slack.waitForCall(
      "views.open",
      (call) => call.args.trigger_id === "9.9.sla",
    );
    const view = opened.args.view as Record<string, unknown>;
    await cadence.requests.viewSubmission({
      user: "U0SAM",
      view: {
        ...view,
        id: "V0SLA",
        state: {
          values: {
            text: { value: { type: "plain_text_input", value: "Touched within 7 minutes." } },
            effective: { value: { type: "datepicker", selected_date: "2026-12-03" } },
            minutes: { value: { type: "plain_text_input", value: "7 min" } },
          },
        },
      },
    });
    const toMia = await dmTo("U0MIA", "Speed-to-lead SLA v2");
    const value = approveValue(toMia.args.blocks);
    await click("U0MIA", value, "mia-sla2");
    const agreed = await click("U0SAM", value, "sam-sla2");
    expect(agreed.args.text).toContain("is approved by both sides and takes effect on 2026-12-03.");
    expect((await settings()).slaMinutes).toBe(10);

    cadence.clock.set("2026-12-03T04:59:00Z"); // 23:59 on the 2nd in New York
    await cadence.sweep();
    expect((await settings()).slaMinutes).toBe(10);
    cadence.clock.set("2026-12-03T05:00:00Z");
    await cadence.sweep();
    expect((await settings()).slaMinutes).toBe(7);
  });
});
