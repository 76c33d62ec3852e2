// Text from CRM rows, feedback notes and admins goes out escaped: a digest built from hostile leads,
// a roll-up built from hostile notes, a custom cadence with a hostile title and `/cadence list`.
// Everything the fake Slack received (messages, thread replies, updates, uploads' comments, views)
// and every command reply is read as Slack would: no mention but ours, no link, no open code block.
import { afterAll, beforeAll, expect, it } from "vitest";
import { csvFile } from "../../src/funnel/csv.js";
import { importLeads } from "../../src/funnel/import.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { writeCsv } from "../helpers/csv-files.js";
import { describeEachDatabase } from "../helpers/databases.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

const EVIL = {
  channel: "<!channel>",
  here: "<!here>",
  everyone: "<!everyone>",
  user: "<@U123>",
  room: "<#C0GENERAL>",
  link: "<https://evil.example|click>",
  fence: "```",
};
const ALL = Object.values(EVIL).join(" ");

const LEAD_COLUMNS = [
  "id",
  "mql_at",
  "first_touch_at",
  "rejected_at",
  "rejection_reason",
  "owner",
  "team",
  "source",
];
/** MQLs in the week of Monday 2026-11-16 (New York), every text field hostile. */
const LEADS = [
  {
    id: `lead-1 ${EVIL.channel}`,
    mql_at: "2026-11-17T15:00:00Z",
    first_touch_at: "2026-11-17T15:03:00Z",
    rejected_at: "2026-11-18T15:00:00Z",
    rejection_reason: `${EVIL.channel} no budget`,
    owner: `${EVIL.fence} rep ${EVIL.user}`,
    team: `${EVIL.here} & East`,
    source: EVIL.link,
  },
  {
    id: "lead-2",
    mql_at: "2026-11-18T15:00:00Z",
    first_touch_at: "2026-11-18T15:30:00Z",
    rejected_at: "2026-11-19T15:00:00Z",
    rejection_reason: `${EVIL.link} & ${EVIL.user}`,
    owner: `${EVIL.everyone}${EVIL.fence}`,
    team: EVIL.fence,
    source: `${EVIL.room} webinar`,
  },
  {
    id: "lead-3",
    mql_at: "2026-11-19T15:00:00Z",
    rejected_at: "2026-11-20T15:00:00Z",
    rejection_reason: `${EVIL.fence} wrong persona`,
    owner: "R&D",
    team: `${EVIL.here}`,
    source: ALL,
  },
];

const PEOPLE = ["U0OPS", "U0BOB", "U0AE1", "U0AE2"];
const CHANNELS = ["C0REVENUE", "C0MKTG"];
/** The only mentions Cadence may write: the test's people and channels, and the sales group. */
const OURS = [...ownMentions(PEOPLE, CHANNELS), "<!subteam^S0SALES>"];

type Values = Record<string, Record<string, Record<string, unknown>>>;
const typed = (id: string, value: string | null): Values => ({
  [id]: { [id]: { type: "plain_text_input", value } },
});
const picked = (id: string, type: string, value: string): Values => ({
  [id]: { [id]: { type, selected_option: { value } } },
});

describeEachDatabase("text that did not come from us, in Slack", (provider) => {
  let cadence: CadenceUnderTest;
  const db = () => cadence.running.database.db;
  /** The replies to slash commands, which reach Slack as HTTP responses, not Web API calls. */
  const replies: unknown[] = [];
  const command = async (user: string, text: string) => {
    const response = await cadence.requests.slashCommand({
      command: "/cadence",
      text,
      user_id: user,
      response_url: cadence.slack.responseUrl(),
    });
    const reply = response.text ? response.json<Record<string, unknown>>() : {};
    replies.push(reply);
    return reply;
  };
  const posts = (channel: string) =>
    cadence.slack.callsTo("chat.postMessage").filter((call) => call.args.channel === channel);

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS" },
      now: "2026-11-20T15:00:00Z",
    });
    cadence.slack.addUser({ id: "U0OPS", real_name: "Olga Ops" });
    cadence.slack.addUser({ id: "U0BOB", real_name: `${EVIL.channel} Bob` });
    cadence.slack.addUser({ id: "U0AE1", real_name: `Rita ${EVIL.here}` });
    cadence.slack.addUser({ id: "U0AE2", real_name: "Sam Seller" });
    cadence.slack.respond("usergroups.users.list", () => ({ users: ["U0AE1", "U0AE2"] }));
    for (const text of [
      "assign weekly <@U0BOB>",
      "channel weekly <#C0REVENUE|revenue>",
      "sales <!subteam^S0SALES|@sales>",
      "marketing <#C0MKTG|marketing>",
      "assign win/loss <@U0OPS>",
      "channel win/loss <#C0REVENUE|revenue>",
    ])
      await command("U0OPS", text);
    const summary = await importLeads(
      cadence.running.database,
      csvFile(writeCsv(LEAD_COLUMNS, LEADS)),
      {
        slackTeamId: cadence.slack.teamId,
        timezone: "America/New_York",
        skipInvalid: false,
      },
    );
    expect(summary.inserted).toBe(LEADS.length);
    // A custom cadence an admin titled, with no DRI: its post suggests the command to assign one.
    await db().cadence.create({
      data: {
        slackTeamId: cadence.slack.teamId,
        kind: "custom",
        title: `QBR prep ${ALL} &`,
        recurrence: {
          kind: "weekly",
          weekdays: ["monday"],
          time: "09:00",
          everyWeeks: 1,
          anchor: "2026-01-05",
        },
        timezone: "America/New_York",
        channelId: "C0REVENUE",
        reminderOffsetsMinutes: [],
      },
    });
    // Rita's win/loss note: every field she can type is hostile.
    await cadence.requests.viewSubmission({
      user: "U0AE1",
      view: {
        id: "VHOSTILE1",
        callback_id: "feedback_winloss",
        private_metadata: "{}",
        state: {
          values: {
            ...typed("deal_name", `Deal ${ALL}`),
            ...typed("crm_id", `OPP ${EVIL.user}`),
            ...typed("amount", null),
            ...picked("outcome", "radio_buttons", "lost"),
            ...picked("primary_reason", "static_select", "other"),
            ...typed("other_reason", `Reason ${EVIL.channel} ${EVIL.fence}`),
            ...typed("nearly_lost", `They wanted ${ALL}\n${EVIL.everyone} on a second line`),
            ...typed("other_competitors", `${EVIL.here} Globex, Initech ${EVIL.fence}`),
            ...typed("notes", `Notes ${ALL}`),
          },
        },
      },
    });
    expect(await db().feedbackNote.count()).toBe(1);
  });
  afterAll(() => cadence.stop());

  it("posts the digest, its tables, the roll-up, the cadence and `/cadence list` with every hostile string escaped", async () => {
    // Monday 2026-11-23 09:00 New York: the weekly review, the win/loss collection and the custom
    // cadence all fall due.
    await db().cadence.updateMany({
      where: { kind: { in: ["weekly_funnel_review", "monthly_win_loss", "custom"] } },
      data: { nextDueAt: new Date("2026-11-23T14:00:00Z") },
    });
    cadence.clock.set("2026-11-23T14:00:05Z");
    await cadence.sweep();
    await cadence.slack.waitForCall("chat.postMessage", (call) => Boolean(call.args.thread_ts));
    const list = await command("U0BOB", "list");
    await command("U0BOB", `reschedule ${ALL}`);
    // Use cases answer with the title or what was typed: a change, a refusal, a miss, a picklist.
    const paused = await command("U0OPS", "pause QBR prep");
    const refused = await command("U0BOB", "resume QBR prep");
    const missed = await command("U0BOB", `done ${EVIL.link} ${EVIL.fence} &`);
    const added = await command("U0OPS", `picklist competitors add ${ALL}`);
    const lists = await command("U0OPS", "picklist");
    // The collection's deadline a week later: the roll-up goes to marketing and the DRI.
    cadence.clock.set("2026-11-30T14:01:00Z");
    await cadence.sweep();
    await cadence.sweep();

    // What people see is there, escaped: the test is not passing on empty messages.
    const digest = JSON.stringify(
      posts("C0REVENUE").find((call) => String(call.args.text).startsWith("Funnel digest")),
    );
    expect(digest).toContain("&lt;!channel&gt; no budget");
    expect(digest).toContain("&lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;");
    const tables = JSON.stringify(posts("C0REVENUE").filter((call) => call.args.thread_ts));
    expect(tables).toContain("ˋˋˋ rep &lt;@U123&gt;");
    expect(tables).toContain("&lt;!here&gt; &amp; East");
    const announcement = JSON.stringify(
      posts("C0REVENUE").find((call) => String(call.args.text).startsWith("QBR prep")),
    );
    expect(announcement).toContain("QBR prep &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;");
    expect(JSON.stringify(list)).toContain("*QBR prep &lt;!channel&gt;");
    expect(JSON.stringify(paused)).toContain("*QBR prep &lt;!channel&gt;");
    expect(JSON.stringify(refused)).toContain("Only the DRI of *QBR prep &lt;!channel&gt;");
    expect(JSON.stringify(missed)).toContain("&lt;https://evil.example|click&gt; ˋˋˋ &amp;");
    expect(JSON.stringify(added)).toContain("Added *&lt;!channel&gt;");
    expect(JSON.stringify(lists)).toContain("&lt;!channel&gt; &lt;!here&gt;");
    const rollUps = cadence.slack
      .callsTo("chat.postMessage")
      .filter((call) => JSON.stringify(call.args).includes("Field feedback"));
    expect(rollUps.map((call) => call.args.channel).sort()).toEqual(["C0MKTG", "DU0OPS"]);
    const rollUp = JSON.stringify(rollUps[0]!.args);
    expect(rollUp).toContain("Reason &lt;!channel&gt; ˋˋˋ");
    expect(rollUp).toContain("*&lt;!here&gt; Globex*");
    expect(rollUp).toContain("&lt;!everyone&gt; on a second line");

    // And nothing anywhere pings, links or opens a code block, but the mentions Cadence wrote.
    const sent = cadence.slack.calls;
    expect(sent.length).toBeGreaterThan(20);
    const problems = mrkdwnProblems(
      [...sent.map((call) => ({ method: call.method, ...call.args })), ...replies],
      OURS,
    );
    expect(problems).toEqual([]);
  });
});
