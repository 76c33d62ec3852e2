// JSON we wrote into Slack payloads ourselves (button values, private_metadata): it comes back
// through Slack, so a forged or truncated one must read as missing, never throw.
import type { z } from "zod";

export function parseOwnJson<T>(schema: z.ZodType<T>, raw: unknown): T | null {
  if (typeof raw !== "string" || !raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
