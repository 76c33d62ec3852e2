// Reading a Slack Web API request and answer for the per-method counters: which method, and which
// error code (bounded, so a label can never carry arbitrary text).
import { describe, expect, it } from "vitest";
import { platformErrorOf, slackMethodOf } from "../../src/metrics/slack-calls.js";

describe("slackMethodOf", () => {
  it.each([
    ["https://slack.com/api/chat.postMessage", "chat.postMessage"],
    ["https://slack-gov.com/api/views.publish", "views.publish"],
    ["http://127.0.0.1:4321/api/admin.conversations.search", "admin.conversations.search"],
    [new URL("https://slack.com/api/auth.test"), "auth.test"],
  ])("names the method of %s", (url, method) => {
    expect(slackMethodOf(url)).toBe(method);
  });

  it.each([
    "http://127.0.0.1:4321/upload/F0000001",
    "https://files.slack.com/upload/v1/abc",
    "https://slack.com/api/",
    "not a url",
  ])("names none for %s (not a Web API method)", (url) => {
    expect(slackMethodOf(url)).toBeNull();
  });
});

describe("platformErrorOf", () => {
  it("finds no error in an ok answer", () => {
    expect(platformErrorOf('{"ok":true,"channel":"C1","ts":"1.2"}')).toBeNull();
  });

  it("reads Slack's error code", () => {
    expect(platformErrorOf('{"ok":false,"error":"channel_not_found"}')).toBe("channel_not_found");
    expect(platformErrorOf('{ "ok" : false, "error": "not_in_channel", "warning": "x" }')).toBe(
      "not_in_channel",
    );
  });

  it('says "other" for a code that is not Slack-shaped, or a body that is not JSON', () => {
    expect(platformErrorOf('{"ok":false,"error":"Something <b>odd</b>"}')).toBe("other");
    expect(platformErrorOf('{"ok":false}')).toBe("other");
    expect(platformErrorOf('{"ok":false,"error":')).toBe("other");
  });
});
