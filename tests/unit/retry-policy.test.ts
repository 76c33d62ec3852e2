// The scheduler's retry rules: back-off, the attempt cap, and which Slack errors are permanent.
import { describe, expect, it } from "vitest";
import {
  afterFailure,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
} from "../../src/scheduler/retry-policy.js";
import { classifySlackError, PERMANENT_SLACK_ERRORS } from "../../src/scheduler/slack-errors.js";

const platformError = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: "slack_webapi_platform_error",
    data: { ok: false, error },
  });

describe("back-off", () => {
  it("waits 30 s after the first failure and doubles after each further one", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, DEFAULT_RETRY_POLICY, 0));
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920].map((s) => s * 1000));
  });

  it("adds at most 20% jitter, so delays still grow with every attempt", () => {
    for (let attempt = 1; attempt < 7; attempt += 1) {
      const longest = backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, 0.999);
      expect(longest).toBeLessThanOrEqual(backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, 0) * 1.2);
      expect(longest).toBeLessThan(backoffDelayMs(attempt + 1, DEFAULT_RETRY_POLICY, 0));
    }
  });

  it("never waits longer than the cap", () => {
    expect(backoffDelayMs(40, DEFAULT_RETRY_POLICY, 0.999)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe("after a failure", () => {
  const now = new Date("2026-11-30T14:00:00Z");

  it("retries a temporary failure after its back-off", () => {
    expect(afterFailure(1, false, now, DEFAULT_RETRY_POLICY, 0)).toEqual({
      action: "retry",
      at: new Date("2026-11-30T14:00:30Z"),
    });
  });

  it("gives up at the attempt cap", () => {
    expect(afterFailure(DEFAULT_RETRY_POLICY.maxAttempts - 1, false, now).action).toBe("retry");
    expect(afterFailure(DEFAULT_RETRY_POLICY.maxAttempts, false, now)).toEqual({
      action: "give-up",
      reason: "attempts",
    });
  });

  it("gives up at once on a permanent failure", () => {
    expect(afterFailure(1, true, now)).toEqual({ action: "give-up", reason: "permanent" });
  });
});

describe("Slack errors", () => {
  it.each([
    ["channel_not_found", "channel"],
    ["is_archived", "channel"],
    ["not_in_channel", "channel"],
    ["account_inactive", "person"],
    ["user_not_found", "person"],
    ["cannot_dm_bot", "person"],
    ["invalid_blocks", "message"],
    ["msg_too_long", "message"],
    ["restricted_action", "permission"],
  ])("%s is permanent (%s)", (code, cause) => {
    expect(PERMANENT_SLACK_ERRORS[code]).toBe(cause);
    expect(classifySlackError(platformError(code))).toEqual({
      code,
      permanent: cause,
      detail: code,
    });
  });

  it.each(["internal_error", "service_unavailable", "fatal_error", "ratelimited"])(
    "%s is temporary",
    (code) => {
      expect(classifySlackError(platformError(code)).permanent).toBeUndefined();
    },
  );

  it("treats a timeout, a network failure, an HTTP 5xx and our own errors as temporary", () => {
    const timeout = Object.assign(
      new Error("A request error occurred: The operation was aborted due to timeout"),
      {
        code: "slack_webapi_request_error",
        original: { name: "TimeoutError" },
      },
    );
    const network = Object.assign(new Error("A request error occurred: connect ECONNREFUSED"), {
      code: "slack_webapi_request_error",
      original: { name: "TypeError" },
    });
    const http = Object.assign(new Error("An HTTP protocol error occurred: statusCode = 503"), {
      code: "slack_webapi_http_error",
      statusCode: 503,
    });
    expect(classifySlackError(timeout)).toMatchObject({ code: "timeout" });
    expect(classifySlackError(network)).toMatchObject({ code: "network" });
    expect(classifySlackError(http)).toMatchObject({ code: "http_503" });
    const rateLimited = new Error(
      "A rate limit was exceeded (url: chat.postMessage, retry-after: 30)",
    );
    expect(classifySlackError(rateLimited)).toMatchObject({ code: "ratelimited" });
    for (const error of [timeout, network, http, rateLimited])
      expect(classifySlackError(error).permanent).toBeUndefined();
    expect(classifySlackError(new Error("database is locked"))).toMatchObject({
      code: "error",
    });
  });
});
