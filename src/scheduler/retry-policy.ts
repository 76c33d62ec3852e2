// How a failed delivery is retried (after graphile-worker's failJobs.ts: attempts + 1, exponential
// back-off, the last error kept): pure rules, unit-tested in tests/unit/retry-policy.test.ts.

export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure gives up (status "failed"). */
  maxAttempts: number;
  /** The wait after the first failed attempt; it doubles after each further one. */
  baseDelayMs: number;
  /** No wait is longer than this, jitter included. */
  maxDelayMs: number;
  /** Up to this fraction is added at random, so replicas and deliveries do not retry in step. */
  jitter: number;
}

/** 8 attempts over about an hour: 30 s, 1, 2, 4, 8, 16 and 32 min apart (plus up to 20%). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  jitter: 0.2,
};

/** Finished claims (done or failed) are deleted this long after they finished. */
export const CLAIM_RETENTION_MS = 30 * 24 * 3_600_000;

/** The wait after failed attempt number `attempt` (1 for the first); `random` is in [0, 1). */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: number = Math.random(),
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const base = policy.baseDelayMs * 2 ** exponent;
  return Math.round(Math.min(base * (1 + policy.jitter * random), policy.maxDelayMs));
}

export type RetryDecision =
  { action: "retry"; at: Date } | { action: "give-up"; reason: "permanent" | "attempts" };

/**
 * After failed attempt number `attempt`: retry later, or give up for good. A rate-limited call
 * waits at least the Retry-After Slack gave (`notBeforeMs`), whatever the back-off says.
 */
export function afterFailure(
  attempt: number,
  permanent: boolean,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: number = Math.random(),
  notBeforeMs = 0,
): RetryDecision {
  if (permanent) return { action: "give-up", reason: "permanent" };
  if (attempt >= policy.maxAttempts) return { action: "give-up", reason: "attempts" };
  const wait = Math.max(backoffDelayMs(attempt, policy, random), notBeforeMs);
  return { action: "retry", at: new Date(now.getTime() + wait) };
}
