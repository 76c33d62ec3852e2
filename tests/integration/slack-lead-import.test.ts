import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

const HEADER = "id,mql_at,first_touch_at,accepted_at,rejected_at,rejection_reason,crm_stage";
const GOOD = [
  "L-1,2026-11-16T09:00:00Z,2026-11-16T09:03:00Z,2026-11-17T10:00:00Z,,,open",
  "L-2,2026-11-17 10:00,,,2026-11-18T10:00:00Z,no budget,open",
];

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ text: string }>;
}
const textOf = (message: { text?: unknown; blocks?: unknown }) =>
  [
    typeof message.text === "string" ? message.text : "",
    ...((message.blocks as Block[] | undefined) ?? []).flatMap((b) => [
      b.text?.text ?? "",
      ...(b.elements ?? []).map((e) => e.text),
    ]),
  ].join("\n");

describeEachDatabase("importing leads from Slack", (provider) => {
  let cadence: CadenceUnderTest;
  let uploadTs = 1_000;

  /** An admin (or not) shares a CSV in their DM with Cadence. */
  const shareInDm = async (user: string, name: string, csv: string, text = "") => {
    const file = cadence.slack.hostFile(name, csv);
    const ts = `1795000000.${String(++uploadTs).padStart(6, "0")}`;
    const response = await cadence.requests.event({
      type: "message",
      subtype: "file_share",
      channel_type: "im",
      channel: `D${user}`,
      user,
      ts,
      text,
      files: [{ id: file.id, name }],
    });
    expect(response.status).toBe(200);
    return ts;
  };
  /** The message in the thread (or channel) that ends the import: its summary or a refusal. */
  const finalReply = async (channel: string, thread?: string) => {
    const summary = await cadence.slack.waitForCall(
      "chat.update",
      (call) => call.args.channel === channel && !/^Importing/.test(String(call.args.text)),
      10_000,
    );
    const message = cadence.slack.messages.find(
      (m) => m.channel === channel && m.ts === summary.args.ts,
    )!;
    if (thread) expect(message.thread_ts).toBe(thread);
    return message;
  };
  const stored = () =>
    cadence.running.database.db.lead.findMany({
      where: { slackTeamId: cadence.slack.teamId },
      orderBy: { crmId: "asc" },
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider, env: { ADMIN_USER_IDS: "U0OPS" } });
    cadence.slack.addUser({ id: "U0ADMIN", real_name: "Ada Admin", is_admin: true });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0REP", real_name: "Rita Rep" });
  });
  beforeEach(async () => {
    cadence.slack.calls.length = 0;
    await cadence.running.database.db.lead.deleteMany({});
  });
  afterAll(() => cadence.stop());

  it("imports a CSV an admin shares in a DM and answers in its thread with the summary", async () => {
    const ts = await shareInDm("U0ADMIN", "leads.csv", [HEADER, ...GOOD].join("\n"));
    const summary = await finalReply("DU0ADMIN", ts);
    expect(textOf(summary)).toContain("Imported *leads.csv*");
    expect(textOf(summary)).toContain(
      "Rows read: *2* · inserted *2* · updated *0* · unchanged *0*",
    );
    expect(textOf(summary)).toContain("Ignored unknown columns: `crm_stage`");
    const leads = await stored();
    expect(leads.map((l) => [l.crmId, l.mqlAt.toISOString(), l.rejectionReason])).toEqual([
      ["L-1", "2026-11-16T09:00:00.000Z", null],
      // No offset: read in the workspace's timezone (New York, EST).
      ["L-2", "2026-11-17T15:00:00.000Z", "no budget"],
    ]);
    // The file was fetched with the bot token: the fake serves a sign-in page otherwise.
    expect(cadence.slack.callsTo("files.info")[0]?.args.file).toMatch(/^F/);
  });

  it("changes nothing when the same file comes again, and updates a changed row", async () => {
    await shareInDm("U0OPS", "leads.csv", [HEADER, ...GOOD].join("\n"));
    await finalReply("DU0OPS");
    cadence.slack.calls.length = 0;
    const changed = GOOD[1]!.replace("no budget", "wrong persona");
    await shareInDm("U0OPS", "leads.csv", [HEADER, GOOD[0], changed].join("\n"));
    const summary = await finalReply("DU0OPS");
    expect(textOf(summary)).toContain("inserted *0* · updated *1* · unchanged *1*");
    expect((await stored())[1]?.rejectionReason).toBe("wrong persona");
  });

  it("writes nothing when a row is invalid, lists it, and sends every problem as a file when there are many", async () => {
    const invalid = Array.from({ length: 12 }, (_, i) => `X-${i},not a date,,,,,`);
    const ts = await shareInDm("U0ADMIN", "q4.csv", [HEADER, ...GOOD, ...invalid].join("\n"));
    const summary = await finalReply("DU0ADMIN", ts);
    const text = textOf(summary);
    expect(text).toContain("Nothing was written from *q4.csv*: 12 invalid rows");
    expect(text).toContain('line 4, `mql_at` "not a date": is not an ISO 8601 timestamp');
    expect(text).toContain("…and 2 more: every one is in the file below.");
    expect(text).toContain("share it again with the message `skip invalid`");
    expect(await stored()).toEqual([]);

    await cadence.slack.waitForCall("files.completeUploadExternal");
    const [errors] = cadence.slack.uploads().filter((f) => f.threadTs === ts);
    expect(errors?.name).toBe("q4.errors.csv");
    const lines = errors!.content.toString().trim().split("\n");
    expect(lines[0]).toBe("line,column,value,problem");
    expect(lines).toHaveLength(13);
    expect(lines[1]).toMatch(/^4,mql_at,not a date,/);
  });

  it("with `skip invalid` in the message writes the valid rows", async () => {
    await shareInDm(
      "U0ADMIN",
      "q4.csv",
      [HEADER, ...GOOD, "X-1,,,,,,"].join("\n"),
      "please skip invalid rows",
    );
    const summary = await finalReply("DU0ADMIN");
    expect(textOf(summary)).toContain("inserted *2*");
    expect(textOf(summary)).toContain("The invalid rows were skipped");
    expect((await stored()).map((l) => l.crmId)).toEqual(["L-1", "L-2"]);
  });

  it("refuses people who are not admins, and files that are not CSV, without importing", async () => {
    await shareInDm("U0REP", "leads.csv", [HEADER, ...GOOD].join("\n"));
    const refusal = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "DU0REP",
    );
    expect(String(refusal.args.text)).toContain("Only workspace admins and Cadence admins");
    const file = cadence.slack.hostFile("deck.pdf", "%PDF-1.7", "pdf");
    await cadence.requests.event({
      type: "message",
      subtype: "file_share",
      channel_type: "im",
      channel: "DU0ADMIN",
      user: "U0ADMIN",
      ts: "1795000001.000001",
      files: [{ id: file.id }],
    });
    const notCsv = await cadence.slack.waitForCall(
      "chat.postMessage",
      (call) => call.args.channel === "DU0ADMIN",
    );
    expect(String(notCsv.args.text)).toContain("*deck.pdf* is not a CSV file");
    expect(await stored()).toEqual([]);
    expect(cadence.slack.callsTo("chat.update")).toEqual([]);
  });

  it("`/cadence import` opens a modal with a file input; submitting it imports and reports in a DM", async () => {
    const reply = await cadence.requests.slashCommand({
      command: "/cadence",
      text: "import",
      user_id: "U0ADMIN",
    });
    expect(reply.status).toBe(200);
    const opened = await cadence.slack.waitForCall("views.open");
    const view = opened.args.view as {
      callback_id: string;
      blocks: Array<Record<string, unknown>>;
    };
    const input = view.blocks.find((b) => b.block_id === "file") as {
      element: { type: string; filetypes: string[] };
    };
    expect(input.element).toMatchObject({ type: "file_input", filetypes: ["csv"] });

    const empty = await cadence.requests.viewSubmission({
      user: "U0ADMIN",
      view: { callback_id: view.callback_id, state: { values: {} } },
    });
    expect(empty.json()).toEqual({
      response_action: "errors",
      errors: { file: "Choose one CSV file to import." },
    });

    const file = cadence.slack.hostFile("export.csv", [HEADER, ...GOOD].join("\n"));
    const submitted = await cadence.requests.viewSubmission({
      user: "U0ADMIN",
      view: {
        callback_id: view.callback_id,
        state: {
          values: {
            file: { file: { type: "file_input", files: [{ id: file.id, name: "export.csv" }] } },
            options: { skip_invalid: { type: "checkboxes", selected_options: [] } },
          },
        },
      },
    });
    expect(submitted.status).toBe(200);
    const summary = await finalReply("U0ADMIN");
    expect(textOf(summary)).toContain("Imported *export.csv*");
    expect((await stored()).map((l) => l.crmId)).toEqual(["L-1", "L-2"]);
  });

  it("replaces “Importing…” with what went wrong when the download breaks off, and keeps serving", async () => {
    const csv = [HEADER, ...GOOD].join("\n");
    const file = cadence.slack.hostFaultyFile("broken.csv", csv, (res, hosted) => {
      res.writeHead(200, { "content-length": String(hosted.content.length * 4) });
      res.write(hosted.content, () => res.socket?.destroy());
    });
    const ts = `1795000000.${String(++uploadTs).padStart(6, "0")}`;
    const response = await cadence.requests.event({
      type: "message",
      subtype: "file_share",
      channel_type: "im",
      channel: "DU0ADMIN",
      user: "U0ADMIN",
      ts,
      files: [{ id: file.id, name: "broken.csv" }],
    });
    expect(response.status).toBe(200);
    const reply = textOf(await finalReply("DU0ADMIN", ts));
    expect(reply).toContain(":x: Import of *broken.csv* failed.");
    expect(reply).toContain("broke off before the whole file arrived. Try sharing it again.");
    expect(await stored()).toEqual([]);
    const list = await cadence.requests.slashCommand({ command: "/cadence", text: "list" });
    expect(list.status).toBe(200);
  });

  it("`/cadence import` from someone who is not an admin is refused privately", async () => {
    const reply = await cadence.requests.slashCommand({
      command: "/cadence",
      text: "import",
      user_id: "U0REP",
      response_url: cadence.slack.responseUrl(),
    });
    expect(reply.status).toBe(200);
    const answer = await cadence.slack.waitForCall("response_url");
    expect(String(answer.args.text)).toContain("Only workspace admins and Cadence admins");
    expect(cadence.slack.callsTo("views.open")).toEqual([]);
  });
});
