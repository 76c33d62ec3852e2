import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { slackSignature } from "../helpers/signed-requests.js";

interface EphemeralReply {
  response_type: string;
  text: string;
  blocks?: Array<{ type: string; text?: { text: string } }>;
}

describe("Slack in HTTP mode", () => {
  let cadence: CadenceUnderTest;
  beforeAll(async () => {
    cadence = await startCadenceForTest({ mode: "http" });
  });
  afterAll(() => cadence.stop());

  it("answers /cadence help with an ephemeral list of commands", async () => {
    const response = await cadence.requests.slashCommand({ command: "/cadence", text: "help" });
    expect(response.status).toBe(200);
    const reply = response.json<EphemeralReply>();
    expect(reply.response_type).toBe("ephemeral");
    const text = reply.blocks?.map((block) => block.text?.text ?? "").join("\n") ?? "";
    expect(text).toContain("/cadence help");
    expect(text).toContain("/winloss");
    expect(reply.text).toContain("Cadence");
  });

  it("treats a bare /cadence as help and unknown input as usage, never an error", async () => {
    const bare = (
      await cadence.requests.slashCommand({ command: "/cadence", text: "" })
    ).json<EphemeralReply>();
    expect(bare.blocks?.[0]?.text?.text).toContain("Cadence");
    const unknown = await cadence.requests.slashCommand({
      command: "/cadence",
      text: "frobnicate now",
    });
    expect(unknown.status).toBe(200);
    const reply = unknown.json<EphemeralReply>();
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.blocks?.[0]?.text?.text).toContain("I don't know `/cadence frobnicate now`");
  });

  it("refuses a request with a bad signature", async () => {
    const body = cadence.requests.slashCommandBody({ command: "/cadence", text: "help" });
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = slackSignature("0000000000000000000000000000000a", timestamp, body);
    const response = await cadence.requests.post(body, "application/x-www-form-urlencoded", {
      timestamp,
      signature: forged,
    });
    expect(response.status).toBe(401);
  });

  it("refuses a correctly signed request older than five minutes (replay)", async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await cadence.requests.slashCommand(
      { command: "/cadence", text: "help" },
      { timestamp: sixMinutesAgo },
    );
    expect(response.status).toBe(401);
  });

  it("accepts a correctly signed request from four minutes ago", async () => {
    const fourMinutesAgo = Math.floor(Date.now() / 1000) - 4 * 60;
    const response = await cadence.requests.slashCommand(
      { command: "/cadence", text: "help" },
      { timestamp: fourMinutesAgo },
    );
    expect(response.status).toBe(200);
  });

  it("answers health and readiness checks", async () => {
    const health = await fetch(`${cadence.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${cadence.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", slack: "ok" },
    });
  });

  it("publishes a Home tab when a person opens it", async () => {
    const response = await cadence.requests.event({
      type: "app_home_opened",
      user: "U0ALICE",
      channel: "D0ALICE",
      tab: "home",
    });
    expect(response.status).toBe(200);
    const call = await cadence.slack.waitForCall(
      "views.publish",
      (c) => c.args.user_id === "U0ALICE",
    );
    const view = call.args.view as {
      type: string;
      blocks: Array<{ type: string; text?: { text: string } }>;
    };
    expect(view.type).toBe("home");
    expect(view.blocks[0]?.text?.text).toBe("Cadence");
    expect(view.blocks.map((block) => block.text?.text ?? "")).toContain(
      "You own no cadences. `/cadence list` shows who owns what.",
    );
    expect(view.blocks.map((block) => block.text?.text ?? "").join("\n")).toContain("Acme Revenue");
    expect(call.token).toBe(cadence.slack.botToken);
  });
});
