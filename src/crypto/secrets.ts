// Secrets at rest (CRM credentials): AES-256-GCM with the key from CADENCE_ENCRYPTION_KEY.
// A sealed secret is one line of text, "v1:<keyId>:<iv>:<tag>:<ciphertext>" (base64url parts):
// the version leaves room for another cipher, and keyId (a short hash of the key, never the key)
// tells a wrong key apart from a tampered value, and lets a later key rotation find which key
// sealed what.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/** A parsed encryption key: its bytes and the short id stored beside every secret it seals. */
export interface EncryptionKey {
  bytes: Buffer;
  id: string;
}

/** Why a key or a sealed secret cannot be used; the message is meant for the person running Cadence. */
export class SecretsError extends Error {
  override name = "SecretsError";
  constructor(
    readonly reason: "bad-key" | "wrong-key" | "tampered" | "malformed",
    message: string,
  ) {
    super(message);
  }
}

/** A 32-byte key written as 64 hex digits or as base64 (44 characters, "=" padded or not). */
export function parseEncryptionKey(text: string): EncryptionKey {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, "hex")
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64")
      : null;
  if (!bytes || bytes.length !== KEY_BYTES)
    throw new SecretsError(
      "bad-key",
      "must be 32 random bytes written as 64 hex digits or base64 (generate one with `openssl rand -base64 32`)",
    );
  return { bytes, id: keyIdOf(bytes) };
}

/** 8 hex digits of a hash of the key: enough to tell keys apart, useless for finding the key. */
function keyIdOf(bytes: Buffer): string {
  return createHash("sha256").update("cadence-key-id:").update(bytes).digest("hex").slice(0, 8);
}

export function sealSecret(plaintext: string, key: EncryptionKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  // The header is authenticated too, so a secret cannot be relabelled as another key's.
  cipher.setAAD(Buffer.from(`${VERSION}:${key.id}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(":");
}

/** The key id a sealed secret was sealed with, or null when the text is not a sealed secret. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(":");
  return parts.length === 5 && parts[0] === VERSION ? parts[1]! : null;
}

/**
 * Opens a sealed secret with the key it names: `key`, or during a rotation one of `previous`
 * (CADENCE_PREVIOUS_ENCRYPTION_KEYS) until `cadence keys rotate` has sealed everything again.
 */
export function openSecret(
  sealed: string,
  current: EncryptionKey,
  previous: readonly EncryptionKey[] = [],
): string {
  const parts = sealed.split(":");
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new SecretsError("malformed", "the stored secret is not in a format Cadence knows");
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = [current, ...previous].find((candidate) => candidate.id === keyId) ?? current;
  if (keyId !== key.id)
    throw new SecretsError(
      "wrong-key",
      `CADENCE_ENCRYPTION_KEY is not the key these credentials were stored with (stored with key ${keyId}, this key is ${key.id}). Set the key they were stored with (during a key rotation, list it in CADENCE_PREVIOUS_ENCRYPTION_KEYS), or connect again.`,
    );
  const ivBytes = Buffer.from(iv, "base64url");
  const tagBytes = Buffer.from(tag, "base64url");
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
    throw new SecretsError("malformed", "the stored secret is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, ivBytes);
  decipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
  decipher.setAuthTag(tagBytes);
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SecretsError(
      "tampered",
      "the stored secret fails its integrity check: it was altered or damaged. Connect the CRM again.",
    );
  }
}

/**
 * The secret sealed with `current`, or null when it already is (a rotation run again, or
 * interrupted and restarted, leaves those alone).
 */
export function resealSecret(
  sealed: string,
  current: EncryptionKey,
  previous: readonly EncryptionKey[],
): string | null {
  if (sealedKeyId(sealed) === current.id) return null;
  return sealSecret(openSecret(sealed, current, previous), current);
}
