import { describe, expect, it } from "vitest";
import { fallbackText, header, section } from "../../src/slack/blocks.js";
import {
  codeBlockSafe,
  escapeInline,
  escapeMrkdwn,
  inlineCode,
  quoteUntrusted,
  singleLine,
  truncate,
} from "../../src/slack/mrkdwn.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

/** What Slack would parse as a mention or a link: anything between a raw `<` and `>`. */
const SLACK_TOKEN = /<[^<>]*>/;

const HOSTILE = [
  "<!channel> budget frozen",
  "<!here>",
  "<!everyone>",
  "<@U123> owns this",
  "<@U123|boss>",
  "<#C0GENERAL>",
  "<!subteam^S0SALES|@sales>",
  "<https://evil.example|click here>",
  "<http://evil.example>",
  "<mailto:ceo@acme.test|CEO>",
  "<!date^1392734382^{date}|fallback>",
  "a < b > c",
  "<<!channel>>",
  "<",
  ">",
];

describe("escapeMrkdwn", () => {
  it.each(HOSTILE)("leaves nothing Slack reads as a mention or link in %j", (text) => {
    const escaped = escapeMrkdwn(text);
    expect(escaped).not.toMatch(SLACK_TOKEN);
    expect(escaped).not.toMatch(/[<>]/);
  });

  it("escapes exactly &, < and > as Slack asks", () => {
    expect(escapeMrkdwn("Tom & Jerry <3 >_<")).toBe("Tom &amp; Jerry &lt;3 &gt;_&lt;");
    expect(escapeMrkdwn("<!channel>")).toBe("&lt;!channel&gt;");
  });

  it("escapes text that is already escaped again, so it shows as typed", () => {
    expect(escapeMrkdwn("&lt;!channel&gt;")).toBe("&amp;lt;!channel&amp;gt;");
    expect(escapeMrkdwn("&amp;")).toBe("&amp;amp;");
  });

  it("keeps a bare @channel, @here or @everyone from ever becoming a mention, and emails intact", () => {
    for (const word of ["@channel", "@here", "@everyone", "@HERE"]) {
      const escaped = escapeMrkdwn(`hey ${word}!`);
      expect(escaped).not.toContain(word);
      expect(escaped.replace(/\u2060/g, "")).toBe(`hey ${word}!`);
    }
    expect(escapeMrkdwn("mail ops@here.example")).toBe("mail ops@here.example");
  });

  it("leaves formatting characters, emoji, line breaks and ordinary text as typed", () => {
    const text = "*bold* _acme_west_ ~gone~ `code` :tada: 🎉 👩🏽‍💻\nsecond line";
    expect(escapeMrkdwn(text)).toBe(text);
  });

  it("breaks a run of three backticks, which would turn the rest of the message into code", () => {
    expect(escapeMrkdwn("a ``` b ```` c `` d")).toBe("a ˋˋˋ b ˋˋˋˋ c `` d");
  });

  it("escapes very long text completely", () => {
    const text = "<!channel>".repeat(10_000);
    const escaped = escapeMrkdwn(text);
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped).toHaveLength(text.length + 10_000 * 6);
  });
});

describe("truncate", () => {
  it("never splits an emoji or an entity it cuts near", () => {
    expect(truncate("ab🎉cd", 4)).toBe("ab…");
    expect(truncate("abc&amp;def", 7)).toBe("abc…");
    expect(truncate("abc&lt;!channel&gt;", 6)).toBe("abc…");
    expect(truncate("short", 10)).toBe("short");
    const cut = truncate(escapeMrkdwn("&".repeat(2_000)), 3_000);
    expect(cut.length).toBeLessThanOrEqual(3_000);
    expect(cut).toMatch(/^(&amp;)+…$/);
  });
});

describe("escapeInline", () => {
  it("puts a value on one line, cut before it is escaped", () => {
    expect(escapeInline("Acme\r\nEast\tTeam")).toBe("Acme East Team");
    expect(escapeInline("<@U123> and more", 7)).toBe("&lt;@U123…");
    expect(singleLine("a\u2028b\n\nc")).toBe("a b c");
  });
});

describe("codeBlockSafe and inlineCode", () => {
  it("cannot close the code block it sits in, and still escapes", () => {
    const cell = codeBlockSafe("```\n<!channel> ``` `x`");
    expect(cell).not.toContain("`");
    expect(cell).not.toMatch(/[<>]/);
    expect(cell).toContain("ˋˋˋ");
    const block = "```" + cell + "```";
    expect(block.match(/```/g)).toHaveLength(2);
  });

  it("wraps a value in inline code that no backtick or line break in it can end", () => {
    expect(inlineCode("/cadence assign <cadence> @person")).toBe(
      "`/cadence assign &lt;cadence&gt; @person`",
    );
    expect(inlineCode("a`b\nc")).toBe("`aˋb c`");
  });
});

describe("quoteUntrusted", () => {
  it("quotes every line, so a line break cannot leave the quote, and escapes a quote marker", () => {
    expect(quoteUntrusted("first\n> <!here>\nthird")).toBe(
      "> first\n> &gt; &lt;!here&gt;\n> third",
    );
  });
});

describe("fallbackText", () => {
  it("escapes a plain_text header on its way into the mrkdwn `text`, and keeps mrkdwn as built", () => {
    const text = fallbackText([header("<!channel> is due"), section("DRI: <@U0BOB>")]);
    expect(text).toBe("&lt;!channel&gt; is due\nDRI: <@U0BOB>");
  });
});

describe("the payload check the view tests use (tests/helpers/mrkdwn.ts)", () => {
  it("finds a raw mention, a link, an open code fence and a bare &, but not plain_text or our own mentions", () => {
    const payload = {
      text: "DRI: <@U0BOB>",
      blocks: [
        header("<!channel> shown as typed"),
        section("<!here> ``` Q&A <https://evil.example|x>"),
      ],
    };
    const problems = mrkdwnProblems(payload, ownMentions(["U0BOB"])).map((p) => p.problem);
    expect(problems).toEqual([
      'unescaped "<!here>"',
      "unbalanced ``` code fence",
      "an & that starts no entity",
    ]);
    expect(mrkdwnProblems({ text: "<@U0BOB>" }, [])).toHaveLength(1);
  });
});
