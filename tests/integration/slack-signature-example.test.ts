// Slack's published example from "Verifying requests from Slack": if our app accepts this exact
// request, it assembles and checks the signature the way Slack computes it.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { slackSignature } from "../helpers/signed-requests.js";

const PUBLISHED = {
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: 1531420618,
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};

describe("Slack's published signature example", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ env: { SLACK_SIGNING_SECRET: PUBLISHED.signingSecret } });
  });
  afterAll(() => cadence.stop());
  afterEach(() => vi.useRealTimers());

  it("is reproduced by the test helper that signs our requests", () => {
    expect(slackSignature(PUBLISHED.signingSecret, PUBLISHED.timestamp, PUBLISHED.body)).toBe(
      PUBLISHED.signature,
    );
  });

  it("is accepted by the app when received within five minutes of its timestamp", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: (PUBLISHED.timestamp + 30) * 1000 });
    const response = await cadence.requests.post(
      PUBLISHED.body,
      "application/x-www-form-urlencoded",
      {
        timestamp: PUBLISHED.timestamp,
        signature: PUBLISHED.signature,
      },
    );
    expect(response.status).toBe(200);
    expect(response.json<{ text: string }>().text).toContain(
      "Cadence does not handle `/webhook-collect`",
    );
  });

  it("is refused when one byte of the body changes", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: (PUBLISHED.timestamp + 30) * 1000 });
    const response = await cadence.requests.post(
      PUBLISHED.body.replace("foobar", "foobaz"),
      "application/x-www-form-urlencoded",
      {
        timestamp: PUBLISHED.timestamp,
        signature: PUBLISHED.signature,
      },
    );
    expect(response.status).toBe(401);
  });
});
