import { describe, expect, it } from "vitest";
import { memoryLogger } from "../helpers/cadence.js";

const SECRETS = {
  bot: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  app: "xapp-1-A0123456789-1234567890123-abcdef0123456789",
  signing: "8f742231b10e8888abcd99edabcd00d1",
  openai: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
};

describe("logger redaction", () => {
  it("never writes tokens, signing secrets, API keys or Authorization headers", () => {
    const { logger, lines } = memoryLogger("trace");
    logger.info(
      {
        config: {
          slack: { botToken: SECRETS.bot, appToken: SECRETS.app, signingSecret: SECRETS.signing },
        },
      },
      "config loaded",
    );
    logger.info({ openai: { apiKey: SECRETS.openai } }, "llm ready");
    logger.info({ req: { headers: { authorization: `Bearer ${SECRETS.bot}` } } }, "request");
    logger.info({ headers: { Authorization: `Bearer ${SECRETS.openai}` } }, "outgoing");
    logger.warn(`Slack refused the token ${SECRETS.bot} while calling auth.test`);
    logger.error({ err: new Error(`connect failed with ${SECRETS.app}`) }, "socket error");
    logger
      .child({ component: "bolt" })
      .debug({ body: { token: "legacy-verification-token" } }, "payload");

    const output = lines.join("\n");
    expect(lines).toHaveLength(7);
    for (const secret of [...Object.values(SECRETS), "legacy-verification-token"]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain("[Redacted]");
    expect((JSON.parse(lines[4]!) as { msg: string }).msg).toBe(
      "Slack refused the token xoxb-[Redacted] while calling auth.test",
    );
  });
});
