import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ConfigError } from "../../src/config.js";
import { loadCrmConfig } from "../../src/config.js";
import {
  openSecret,
  parseEncryptionKey,
  sealedKeyId,
  sealSecret,
  SecretsError,
} from "../../src/crypto/secrets.js";
import { memoryLogger } from "../helpers/cadence.js";

const key = parseEncryptionKey(randomBytes(32).toString("base64"));
const otherKey = parseEncryptionKey(randomBytes(32).toString("hex"));
const TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";

function failureOf(work: () => unknown): SecretsError {
  try {
    work();
  } catch (error) {
    if (error instanceof SecretsError) return error;
    throw error;
  }
  throw new Error("expected a SecretsError");
}

describe("secrets at rest", () => {
  it("seals and opens a secret; the sealed text holds neither the secret nor the key", () => {
    const sealed = sealSecret(TOKEN, key);
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain("pat-na1");
    expect(sealed).not.toContain(key.bytes.toString("base64"));
    expect(sealedKeyId(sealed)).toBe(key.id);
    expect(openSecret(sealed, key)).toBe(TOKEN);
  });

  it("uses a fresh IV each time: the same secret seals differently", () => {
    expect(sealSecret(TOKEN, key)).not.toBe(sealSecret(TOKEN, key));
  });

  it("detects a changed ciphertext, IV or tag", () => {
    const parts = sealSecret(TOKEN, key).split(":");
    for (const index of [2, 3, 4]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index]!, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      altered[index] = bytes.toString("base64url");
      const error = failureOf(() => openSecret(altered.join(":"), key));
      expect(error.reason).toBe("tampered");
      expect(error.message).toContain("fails its integrity check");
    }
  });

  it("says clearly when the key is not the one the secret was sealed with", () => {
    const error = failureOf(() => openSecret(sealSecret(TOKEN, key), otherKey));
    expect(error.reason).toBe("wrong-key");
    expect(error.message).toBe(
      `CADENCE_ENCRYPTION_KEY is not the key these credentials were stored with (stored with key ${key.id}, this key is ${otherKey.id}). Set the key they were stored with (during a key rotation, list it in CADENCE_PREVIOUS_ENCRYPTION_KEYS), or connect again.`,
    );
  });

  it("refuses a relabelled secret: the key id is authenticated too", () => {
    const parts = sealSecret(TOKEN, key).split(":");
    parts[1] = otherKey.id;
    expect(failureOf(() => openSecret(parts.join(":"), otherKey)).reason).toBe("tampered");
  });

  it("accepts a 32-byte key as hex or base64 and refuses anything else", () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString("hex")).id).toBe(
      parseEncryptionKey(bytes.toString("base64")).id,
    );
    for (const bad of ["", "short", randomBytes(16).toString("base64"), "z".repeat(64)])
      expect(failureOf(() => parseEncryptionKey(bad)).reason).toBe("bad-key");
  });

  it("validates CADENCE_ENCRYPTION_KEY in the configuration, one line", () => {
    expect(loadCrmConfig({}).encryptionKey).toBeUndefined();
    expect(loadCrmConfig({}).hubspotApiUrl).toBe("https://api.hubapi.com");
    expect(
      loadCrmConfig({ CADENCE_ENCRYPTION_KEY: otherKey.bytes.toString("hex") }).encryptionKey,
    ).toEqual(otherKey);
    try {
      loadCrmConfig({ CADENCE_ENCRYPTION_KEY: "hunter2" });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "CADENCE_ENCRYPTION_KEY must be 32 random bytes written as 64 hex digits or base64 (generate one with `openssl rand -base64 32`) (keep it with your backups: stored CRM credentials and Slack tokens need it)",
      ]);
    }
  });

  it("never logs a HubSpot token or the encryption key", () => {
    const { logger, lines } = memoryLogger("trace");
    logger.info({ hubspot: { accessToken: TOKEN } }, "client");
    logger.warn(`HubSpot refused ${TOKEN}`);
    logger.info({ crm: { encryptionKey: key } }, "config");
    const output = lines.join("\n");
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain("11111111-2222");
    expect(output).toContain("[Redacted]");
  });
});
