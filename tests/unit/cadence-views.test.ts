import { describe, expect, it } from "vitest";
import type { Recurrence } from "../../src/cadences/recurrence.js";
import {
  cadenceListBlocks,
  escalationMessage,
  handOverModal,
  occurrenceAnnouncement,
  reminderMessage,
  unassignedNotice,
  type ListedCadence,
} from "../../src/cadences/views.js";
import { importProgressText, importSummaryBlocks } from "../../src/funnel/views.js";
import { helpBlocks, usageBlocks } from "../../src/help/views.js";
import { homeView } from "../../src/home/views.js";
import { fallbackText } from "../../src/slack/blocks.js";
import { SUBCOMMANDS } from "../../src/slack/capabilities.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

/** A title an admin could type for a custom cadence. */
const HOSTILE_TITLE = "<!channel> QBR ``` <https://evil.example|prep> & <@U0EVIL>";
const ESCAPED_TITLE =
  "&lt;!channel&gt; QBR ˋˋˋ &lt;https://evil.example|prep&gt; &amp; &lt;@U0EVIL&gt;";
const PEOPLE = ownMentions(["U0BOB", "U0CAROL"]);

const weekly: Recurrence = {
  kind: "weekly",
  weekdays: ["monday"],
  time: "09:00",
  everyWeeks: 1,
  anchor: "2026-01-05",
};

const cadence = (overrides: Partial<ListedCadence> = {}): ListedCadence => ({
  title: HOSTILE_TITLE,
  active: true,
  driSlackUserId: "U0BOB",
  backupSlackUserId: null,
  nextDueAt: new Date("2026-11-30T14:00:00Z"),
  timezone: "America/New_York",
  recurrence: weekly,
  ...overrides,
});

describe("cadence views with a title an admin typed", () => {
  it("lists it escaped, next to the DRI mention we wrote", () => {
    const blocks = cadenceListBlocks([cadence(), cadence({ driSlackUserId: null })]);
    const reply = { text: fallbackText(blocks), blocks };
    expect(mrkdwnProblems(reply, PEOPLE)).toEqual([]);
    expect(JSON.stringify(blocks)).toContain(
      `*${ESCAPED_TITLE}*: DRI <@U0BOB>, backup *nobody yet*`,
    );
    expect(JSON.stringify(blocks)).toContain("`/cadence assign &lt;cadence&gt; @person`");
  });

  it("announces, reminds, escalates and reports it escaped; the header shows it as typed", () => {
    const announcement = occurrenceAnnouncement({
      title: HOSTILE_TITLE,
      kind: "custom",
      recurrence: weekly,
      timezone: "America/New_York",
      driSlackUserId: null,
      dueAt: new Date("2026-11-30T14:00:00Z"),
      late: false,
    });
    expect(announcement.blocks[0]).toMatchObject({
      type: "header",
      text: { type: "plain_text", text: `${HOSTILE_TITLE} is due` },
    });
    expect(announcement.text).toBe(`${ESCAPED_TITLE} is due. DRI: nobody yet`);
    const due = { dueAt: new Date("2026-11-30T14:00:00Z"), timezone: "UTC" };
    const messages = [
      announcement,
      reminderMessage({ cadenceId: "c1", title: HOSTILE_TITLE, offsetMinutes: 60, ...due }),
      escalationMessage({
        title: HOSTILE_TITLE,
        driSlackUserId: "U0BOB",
        backupSlackUserId: "U0CAROL",
        ...due,
      }),
      unassignedNotice([HOSTILE_TITLE, "ICP review"], "since <@U0CAROL> left the workspace"),
      handOverModal("c1", HOSTILE_TITLE, null),
    ];
    expect(mrkdwnProblems(messages, PEOPLE)).toEqual([]);
    const shown = JSON.stringify(messages);
    expect(shown).toContain("`/cadence assign &lt;!channel&gt; qbr ˋˋˋ");
    expect(shown).toContain("no DRI since <@U0CAROL> left the workspace");
  });

  it("shows it escaped on the Home tab, with a workspace name from Slack", () => {
    const view = homeView({
      slackUserId: "U0BOB",
      workspaceName: "<!here> Acme & Co",
      isAdmin: true,
      cadences: [{ ...cadence(), id: "c1" }],
    });
    expect(mrkdwnProblems(view, PEOPLE)).toEqual([]);
    expect(JSON.stringify(view)).toContain("*&lt;!here&gt; Acme &amp; Co*'s");
  });
});

describe("help and usage", () => {
  it("escapes the command a person typed when it echoes it, and the usages' placeholders", () => {
    const blocks = usageBlocks("I don't know `/cadence ping <!channel> <@U0EVIL>`.", SUBCOMMANDS);
    expect(mrkdwnProblems({ text: fallbackText(blocks), blocks }, [])).toEqual([]);
    expect(JSON.stringify(blocks)).toContain(
      "I don't know `/cadence ping &lt;!channel&gt; &lt;@U0EVIL&gt;`. Here is what I can do:",
    );
    expect(JSON.stringify(helpBlocks(SUBCOMMANDS))).toContain(
      "`/cadence assign &lt;cadence&gt; @person`",
    );
  });
});

describe("lead import views", () => {
  it("escapes the file's name, header and cells in the summary", () => {
    const summary = {
      rowsRead: 2,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      invalid: 2,
      written: false,
      unknownColumns: ["<!everyone>", "col`umn"],
      problems: [
        {
          line: 2,
          column: "owner`<@U0EVIL>",
          value: "<https://evil.example|x>",
          problem: "is not an email",
        },
        { line: 3, column: "mql_at", value: "", problem: "is required" },
      ],
    };
    const blocks = importSummaryBlocks(summary, "<!channel>.csv", {
      skipInvalid: false,
      retryHint: "share it again with the message `skip invalid`",
    });
    const progress = importProgressText("<!here>```.csv", 10, 0.5);
    expect(mrkdwnProblems([{ text: fallbackText(blocks), blocks }, progress], [])).toEqual([]);
    const shown = JSON.stringify(blocks);
    expect(shown).toContain("Nothing was written from *&lt;!channel&gt;.csv*");
    expect(shown).toContain('`ownerˋ&lt;@U0EVIL&gt;` \\"&lt;https://evil.example|x&gt;\\"');
    expect(shown).toContain("Ignored unknown columns: `&lt;!everyone&gt;`, `colˋumn`.");
    expect(progress).toBe("Importing *&lt;!here&gt;ˋˋˋ.csv*… 50% (10 rows checked)");
  });
});
