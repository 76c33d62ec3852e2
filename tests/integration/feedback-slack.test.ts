// Field feedback through the fake Slack: both modals end to end (open, invalid submit, valid
// submit, retry, edit, delete), the monthly DMs and reminder, the DRI's participation list and the
// roll-up with its summary from a fake OpenAI-compatible model.
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeOpenAI } from "../fakes/fake-openai.js";
import type { SlackCall } from "../fakes/fake-slack.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { runCadence } from "../helpers/cadence-process.js";
import { describeEachDatabase } from "../helpers/databases.js";

type Values = Record<string, Record<string, Record<string, unknown>>>;
const text = (id: string, value: string | null): Values => ({
  [id]: { [id]: { type: "plain_text_input", value } },
});
const select = (id: string, value: string | null): Values => ({
  [id]: { [id]: { type: "static_select", selected_option: value ? { value } : null } },
});
const radio = (id: string, value: string | null): Values => ({
  [id]: { [id]: { type: "radio_buttons", selected_option: value ? { value } : null } },
});

function winLossValues(overrides: Values = {}): Values {
  return {
    ...text("deal_name", "Acme renewal"),
    ...text("crm_id", "OPP-42"),
    ...text("amount", "48,000"),
    ...radio("outcome", "lost"),
    ...select("primary_reason", "price"),
    ...text("other_reason", null),
    ...text("nearly_lost", "Their CFO (jane.doe@acme.test) wanted a cheaper tier."),
    ...text("other_competitors", "Globex, Initech"),
    ...text("notes", "Rita Rep says the buyer loved the onboarding demo."),
    ...overrides,
  };
}

describeEachDatabase("AE feedback in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const openai = new FakeOpenAI();
  const db = () => cadence.running.database.db;
  const command = (user: string, commandName: string, textArg = "") =>
    cadence.requests.slashCommand({
      command: commandName,
      text: textArg,
      user_id: user,
      response_url: cadence.slack.responseUrl(),
    });
  const submit = (user: string, view: Record<string, unknown>) =>
    cadence.requests.viewSubmission({ user, view });
  /** Posted to the user id, or to the DM channel conversations.open gave (the fake's D<user>). */
  const dmsTo = (user: string) =>
    cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => c.args.channel === user || c.args.channel === `D${user}`);
  const json = (call: SlackCall) => JSON.stringify(call.args);

  beforeAll(async () => {
    await openai.start();
    openai.behaviour = {
      kind: "answer",
      content: "• Price pressure from Globex\n• Buyers want proof of onboarding speed",
    };
    cadence = await startCadenceForTest({
      provider,
      now: "2026-11-23T14:00:00Z",
      env: {
        ADMIN_USER_IDS: "U0OPS",
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_MODEL: "gpt-test",
      },
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0AE1", "Rita Rep"],
      ["U0AE2", "Sam Seller"],
      ["U0AE3", "Tara Trader"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name, profile: { email: `${id}@acme.test` } });
    // People known to Cadence (the roll-up redacts their names).
    for (const id of ["U0AE1", "U0AE2", "U0AE3"]) await command(id, "/cadence", "list");
  });
  afterAll(async () => {
    await cadence.stop();
    await openai.stop();
  });

  let noteId = "";

  it("/winloss opens the modal with the deal name typed after the command", async () => {
    expect((await command("U0AE1", "/winloss", "Acme renewal")).status).toBe(200);
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as {
      callback_id: string;
      blocks: Array<{ block_id: string; element?: { initial_value?: string } }>;
    };
    expect(view.callback_id).toBe("feedback_winloss");
    expect(view.blocks.find((b) => b.block_id === "deal_name")?.element?.initial_value).toBe(
      "Acme renewal",
    );
  });

  it("refuses an invalid submission on the field that needs fixing, and stores nothing", async () => {
    const response = await submit("U0AE1", {
      id: "VWL1",
      callback_id: "feedback_winloss",
      private_metadata: "{}",
      state: {
        values: winLossValues({ ...text("amount", "lots"), ...select("primary_reason", "other") }),
      },
    });
    expect(response.json()).toMatchObject({
      response_action: "errors",
      errors: {
        amount: expect.stringContaining("Amount must be a number"),
        other_reason: expect.stringContaining("Describe the other reason"),
      },
    });
    expect(await db().feedbackNote.count()).toBe(0);
  });

  it("stores a valid submission once, even when Slack retries it, and confirms it privately", async () => {
    const view = {
      id: "VWL2",
      callback_id: "feedback_winloss",
      private_metadata: "{}",
      state: { values: winLossValues() },
    };
    expect((await submit("U0AE1", view)).status).toBe(200);
    expect((await submit("U0AE1", view)).status).toBe(200);
    const notes = await db().feedbackNote.findMany();
    expect(notes).toHaveLength(1);
    noteId = notes[0]!.id;
    expect(notes[0]).toMatchObject({
      kind: "winloss",
      authorSlackUserId: "U0AE1",
      month: "2026-11",
    });
    expect(notes[0]!.data).toMatchObject({
      dealName: "Acme renewal",
      amount: "48000",
      outcome: "lost",
      primaryReason: "price",
      competitors: ["Globex", "Initech"],
    });
    const confirmations = dmsTo("U0AE1").filter((c) =>
      json(c).includes("Saved your win/loss note"),
    );
    expect(confirmations).toHaveLength(1);
    expect(json(confirmations[0]!)).toContain("*Acme renewal*: Lost, price · vs Globex, Initech");
    expect(json(confirmations[0]!)).toContain('"action_id":"feedback_edit"');
  });

  it("lets only the author edit it, and refreshes the confirmation", async () => {
    // The private confirmation: a DM to its author (the fake keeps the channel as posted to).
    const confirmation = cadence.slack.messages.find(
      (m) => m.channel === "U0AE1" && JSON.stringify(m.blocks).includes("Saved your win/loss note"),
    )!;
    const refused = await cadence.requests.blockActions({
      user: "U0AE2",
      response_url: cadence.slack.responseUrl("edit-refused"),
      actions: [{ action_id: "feedback_edit", value: noteId, type: "button" }],
    });
    expect(refused.status).toBe(200);
    const refusal = await cadence.slack.waitForCall("response_url", (c) =>
      String(c.args.url).endsWith("edit-refused"),
    );
    expect(refusal.args.text).toBe("Only the person who wrote a note can change it.");

    cadence.slack.calls.length = 0;
    await cadence.requests.blockActions({
      user: "U0AE1",
      response_url: cadence.slack.responseUrl("edit"),
      container: { type: "message", channel_id: confirmation.channel, message_ts: confirmation.ts },
      actions: [{ action_id: "feedback_edit", value: noteId, type: "button" }],
    });
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id: string; element?: { initial_value?: string } }>;
    };
    expect(view.blocks.find((b) => b.block_id === "crm_id")?.element?.initial_value).toBe("OPP-42");
    await submit("U0AE1", {
      id: "VWL3",
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: {
        values: winLossValues({
          ...radio("outcome", "won"),
          ...select("primary_reason", "product fit"),
        }),
      },
    });
    expect(await db().feedbackNote.count()).toBe(1);
    expect(
      (await db().feedbackNote.findUniqueOrThrow({ where: { id: noteId } })).data,
    ).toMatchObject({
      outcome: "won",
      primaryReason: "product fit",
    });
    const updated = await cadence.slack.waitForCall("chat.update");
    expect(updated.args).toMatchObject({ channel: confirmation.channel, ts: confirmation.ts });
    expect(json(updated)).toContain("Updated your win/loss note");
  });

  it("refuses to delete it after 7 days; deletes it within them", async () => {
    cadence.clock.set("2026-12-01T15:00:00Z");
    await cadence.requests.blockActions({
      user: "U0AE1",
      response_url: cadence.slack.responseUrl("late"),
      actions: [{ action_id: "feedback_delete", value: noteId, type: "button" }],
    });
    const late = await cadence.slack.waitForCall("response_url", (c) =>
      String(c.args.url).endsWith("late"),
    );
    expect(String(late.args.text)).toContain("for 7 days");
    expect(await db().feedbackNote.count()).toBe(1);

    cadence.clock.set("2026-11-24T15:00:00Z");
    await cadence.requests.blockActions({
      user: "U0AE1",
      response_url: cadence.slack.responseUrl("delete"),
      actions: [{ action_id: "feedback_delete", value: noteId, type: "button" }],
    });
    const deleted = await cadence.slack.waitForCall("response_url", (c) =>
      String(c.args.url).endsWith("delete"),
    );
    expect(deleted.args).toMatchObject({ replace_original: true });
    expect(String(deleted.args.text)).toContain("Deleted your win/loss note");
    expect(await db().feedbackNote.count()).toBe(0);
  });

  it("/content: an asset link or catalogue asset is required; a valid note is stored", async () => {
    await command(
      "U0OPS",
      "/cadence",
      "picklist assets add Pricing one-pager https://acme.test/pricing.pdf",
    );
    expect((await command("U0AE2", "/content")).status).toBe(200);
    const opened = await cadence.slack.waitForCall("views.open", (c) =>
      JSON.stringify(c.args).includes("feedback_content"),
    );
    expect(JSON.stringify(opened.args.view)).toContain("Pricing one-pager");
    const values = (asset: string | null, link: string | null): Values => ({
      ...select("asset", asset),
      asset_link: { asset_link: { type: "url_text_input", value: link } },
      ...select("deal_stage", "evaluation"),
      ...radio("helped", "helped"),
      ...text("buyer_said", "Finally a price sheet our procurement understands."),
      ...text("uncovered_objections", "How does SSO work with our IdP?"),
    });
    const refused = await submit("U0AE2", {
      id: "VCT1",
      callback_id: "feedback_content",
      private_metadata: "{}",
      state: { values: values(null, null) },
    });
    expect(refused.json()).toMatchObject({
      response_action: "errors",
      errors: { asset: expect.any(String) },
    });
    await submit("U0AE2", {
      id: "VCT2",
      callback_id: "feedback_content",
      private_metadata: "{}",
      state: { values: values("Pricing one-pager", null) },
    });
    const note = await db().feedbackNote.findFirstOrThrow({ where: { kind: "content" } });
    expect(note.data).toMatchObject({
      asset: "Pricing one-pager",
      assetUrl: "https://acme.test/pricing.pdf",
      stage: "evaluation",
      helped: "helped",
    });
  });

  it("collects monthly: DMs the AEs without a note, reminds once two days before, reports on the deadline", async () => {
    cadence.slack.respond("usergroups.users.list", () => ({ users: ["U0AE1", "U0AE2", "U0AE3"] }));
    await command("U0OPS", "/cadence", "sales <!subteam^S0SALES|@sales>");
    await command("U0OPS", "/cadence", "marketing <#C0MKTG|marketing>");
    await command("U0OPS", "/cadence", "assign win/loss <@U0OPS>");
    await command("U0OPS", "/cadence", "channel win/loss <#C0REVENUE|revenue>");
    // Sam already sent a win/loss note this month.
    await submit("U0AE2", {
      id: "VWL9",
      callback_id: "feedback_winloss",
      private_metadata: "{}",
      state: {
        values: winLossValues({
          ...text("deal_name", "Globex expansion"),
          ...radio("outcome", "lost"),
          ...text("other_competitors", "globex"),
        }),
      },
    });
    cadence.slack.calls.length = 0;

    // The cadence fires Monday 2026-11-23 09:00 New York; notes are due 7 days later.
    await db().cadence.updateMany({
      where: { kind: "monthly_win_loss" },
      data: { nextDueAt: new Date("2026-11-23T14:00:00Z") },
    });
    cadence.clock.set("2026-11-23T14:00:05Z");
    await cadence.sweep();
    const asks = (user: string) =>
      dmsTo(user).filter((c) => json(c).includes("feedback_open_winloss"));
    expect(asks("U0AE1")).toHaveLength(1);
    expect(asks("U0AE3")).toHaveLength(1);
    expect(asks("U0AE2")).toHaveLength(0);
    const announcement = cadence.slack
      .callsTo("chat.postMessage")
      .find((c) => c.args.channel === "C0REVENUE");
    expect(json(announcement!)).toContain("Asked 2 AEs by DM; 1 had already sent one");

    // Tara answers; two days before the deadline only Rita is reminded, once.
    await submit("U0AE3", {
      id: "VWL10",
      callback_id: "feedback_winloss",
      private_metadata: "{}",
      state: {
        values: winLossValues({
          ...text("deal_name", "Initech pilot"),
          ...radio("outcome", "won"),
          ...select("primary_reason", "integration"),
        }),
      },
    });
    cadence.clock.set("2026-11-28T14:01:00Z");
    await cadence.sweep();
    await cadence.sweep();
    expect(dmsTo("U0AE1").filter((c) => json(c).includes("Reminder"))).toHaveLength(1);
    expect(dmsTo("U0AE3").filter((c) => json(c).includes("Reminder"))).toHaveLength(0);

    // The deadline: the DRI hears who has and who has not; the roll-up goes to marketing and the DRI.
    cadence.clock.set("2026-11-30T14:01:00Z");
    await cadence.sweep();
    await cadence.sweep();
    const toDri = dmsTo("U0OPS").map(json);
    const participation = toDri.filter((t) => t.includes("closed: 2 of 3 AEs sent a note"));
    expect(participation).toHaveLength(1);
    expect(participation[0]).toContain("*Not yet:* <@U0AE1>");
    const rollUps = cadence.slack
      .callsTo("chat.postMessage")
      .filter((c) => json(c).includes("Field feedback"));
    expect(rollUps.map((c) => c.args.channel).sort()).toEqual(["C0MKTG", "DU0OPS"]);
    const rollUp = json(rollUps[0]!);
    expect(rollUp).toContain("Price pressure from Globex");
    expect(rollUp).toContain("gpt-test");

    // The model saw the feedback text, never a name, an email or a Slack id.
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]!.raw;
    expect(sent).toContain("cheaper tier");
    for (const secret of [
      "Rita",
      "Sam Seller",
      "Tara",
      "jane.doe@acme.test",
      "U0AE1",
      "U0AE2",
      "U0AE3",
    ])
      expect(sent).not.toContain(secret);
    const stored = await db().feedbackCollection.findFirstOrThrow({ where: { kind: "winloss" } });
    expect(stored).toMatchObject({ month: "2026-11", summarySource: "model" });
    expect(stored.rollUpPostedAt).not.toBeNull();

    // A roll-up whose posting did not finish is posted from what was stored: no second summary,
    // and nothing already posted goes out again.
    await db().feedbackCollection.update({
      where: { id: stored.id },
      data: { rollUpPostedAt: null },
    });
    await cadence.sweep();
    expect(openai.requests).toHaveLength(1);
    expect(
      cadence.slack.callsTo("chat.postMessage").filter((c) => json(c).includes("Field feedback")),
    ).toHaveLength(2);
    expect(
      (await db().feedbackCollection.findUniqueOrThrow({ where: { id: stored.id } }))
        .rollUpPostedAt,
    ).not.toBeNull();
  });

  it("`cadence export feedback --month` writes the month's notes as CSV and JSON", async () => {
    const csv = runCadence(["export", "feedback", "--month", "2026-11"], {
      DATABASE_URL: cadence.database.url,
    });
    expect(await csv.exited).toBe(0);
    const lines = csv.stdout.join("\n").trim().split("\n");
    expect(lines[0]).toMatch(/^kind,id,submitted_at,author_slack_user_id,author_name,deal_name/);
    expect(lines.filter((l) => l.startsWith("winloss,"))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("content,"))).toHaveLength(1);
    const asJson = runCadence(["export", "feedback", "--month", "2026-11", "--format", "json"], {
      DATABASE_URL: cadence.database.url,
    });
    expect(await asJson.exited).toBe(0);
    expect((JSON.parse(asJson.stdout.join("\n")) as unknown[]).length).toBe(3);
    const bad = runCadence(["export", "feedback", "--month", "November"], {
      DATABASE_URL: cadence.database.url,
    });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr.join("")).toContain("--month must be YYYY-MM");
  });
});
