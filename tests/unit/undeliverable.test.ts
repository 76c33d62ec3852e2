// What a DRI and the admin channel are told to do when a delivery is given up.
import { describe, expect, it } from "vitest";
import { adviceFor } from "../../src/cadences/undeliverable.js";
import type { DeliveryFailure } from "../../src/scheduler/deliver-once.js";

const failure = (overrides: Partial<DeliveryFailure>): DeliveryFailure => ({
  key: "post:occ1",
  target: "C0REVENUE",
  code: "is_archived",
  cause: "channel",
  attempts: 1,
  lastError: "is_archived",
  ...overrides,
});

describe("advice on a failed delivery", () => {
  it("a channel: invite @cadence or choose another channel", () => {
    expect(adviceFor(failure({}), "ICP review")).toBe(
      "Invite @cadence to <#C0REVENUE> (`/invite @cadence` there), or choose another channel with `/cadence channel icp review #channel`.",
    );
  });

  it("a person: choose another DRI or backup", () => {
    const advice = adviceFor(
      failure({ target: "U0BOB", code: "account_inactive", cause: "person" }),
      "ICP review",
    );
    expect(advice).toContain("<@U0BOB> cannot receive messages");
    expect(advice).toContain("`/cadence assign icp review @person`");
  });

  it("escapes a hostile title inside the command it suggests", () => {
    const advice = adviceFor(failure({}), "Pipeline ``` <!channel>");
    expect(advice).not.toContain("<!channel>");
    expect(advice).not.toContain("```");
  });

  it("permissions: allow apps to post or choose another channel", () => {
    expect(adviceFor(failure({ code: "restricted_action", cause: "permission" }), "X")).toContain(
      "Allow apps to post there",
    );
  });

  it("the message itself: a fault in Cadence, with the key to quote", () => {
    expect(adviceFor(failure({ code: "invalid_blocks", cause: "message" }), "X")).toContain(
      "quote `post:occ1`",
    );
  });

  it("the attempt cap: says how many attempts and that nothing more is tried", () => {
    expect(adviceFor(failure({ code: "timeout", cause: undefined, attempts: 8 }), "X")).toContain(
      "Slack kept failing (`timeout`) for 8 attempts; nothing more will be tried.",
    );
  });
});
