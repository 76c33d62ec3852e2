// Which Slack Web API failures are permanent: retrying cannot help until a person changes
// something. Anything else (timeouts, HTTP 5xx, rate limits left after the client's own retries,
// network errors, unknown codes) is temporary and retried up to the attempt cap.

/** What a person has to fix; the duty that owns the delivery turns it into advice. */
export type PermanentCause = "channel" | "person" | "message" | "permission";

/** Slack's error codes (https://api.slack.com/methods/chat.postMessage#errors) that never heal. */
export const PERMANENT_SLACK_ERRORS: Readonly<Record<string, PermanentCause>> = {
  channel_not_found: "channel",
  is_archived: "channel",
  not_in_channel: "channel",
  not_allowed_token_type: "permission",
  missing_scope: "permission",
  restricted_action: "permission",
  restricted_action_read_only_channel: "permission",
  restricted_action_thread_only_channel: "permission",
  restricted_action_non_threadable_channel: "permission",
  ekm_access_denied: "permission",
  team_access_not_granted: "permission",
  no_permission: "permission",
  account_inactive: "person",
  user_not_found: "person",
  user_disabled: "person",
  cannot_dm_bot: "person",
  user_not_visible: "person",
  invalid_blocks: "message",
  invalid_blocks_format: "message",
  msg_too_long: "message",
  too_many_attachments: "message",
  no_text: "message",
  invalid_metadata_format: "message",
  invalid_metadata_schema: "message",
  metadata_too_large: "message",
};

export interface SlackFailure {
  /** Slack's error code, or a short name for a failure without one ("timeout", "network"). */
  code: string;
  /** Set when the failure is in PERMANENT_SLACK_ERRORS. */
  permanent?: PermanentCause;
  /** One line for the log and the claim's lastError. */
  detail: string;
  /** Slack's Retry-After for a rate-limited call, in milliseconds. */
  retryAfterMs?: number;
}

const ErrorShape = (error: unknown) =>
  error as
    | {
        code?: string;
        message?: string;
        data?: { error?: string };
        statusCode?: number;
        retryAfter?: number;
        original?: { name?: string };
      }
    | undefined;

/** Reads an error thrown by @slack/web-api (or by our own code) into a SlackFailure. */
export function classifySlackError(error: unknown): SlackFailure {
  const shape = ErrorShape(error);
  const message = (shape?.message ?? String(error)).slice(0, 500);
  const platform = shape?.code === "slack_webapi_platform_error" ? shape.data?.error : undefined;
  if (platform)
    return { code: platform, permanent: PERMANENT_SLACK_ERRORS[platform], detail: platform };
  if (shape?.code === "slack_webapi_request_error") {
    const timedOut =
      /TimeoutError|AbortError/.test(shape.original?.name ?? "") ||
      /aborted|timeout/i.test(message);
    return { code: timedOut ? "timeout" : "network", detail: message };
  }
  if (shape?.code === "slack_webapi_http_error")
    return { code: `http_${shape.statusCode ?? "error"}`, detail: message };
  // A client that waited out Retry-After and was still refused ends with a plain Error saying so
  // (@slack/web-api 7+); one with rejectRateLimitedCalls rejects at once, with Retry-After.
  if (shape?.code === "slack_webapi_rate_limited_error" || /rate limit was exceeded/i.test(message))
    return {
      code: "ratelimited",
      detail: message,
      ...(typeof shape?.retryAfter === "number" ? { retryAfterMs: shape.retryAfter * 1_000 } : {}),
    };
  return { code: "error", detail: message };
}
