// Slack Web API errors and rate limits, counted by method. Every WebClient we configure (Bolt's,
// the scheduler's, Socket Mode's) sends its requests through this fetch, so one place sees every
// call, including the client's own retries after a 429, without touching the clients' code paths.
import type { FetchFunction } from "@slack/web-api";
import { slackApiErrors, slackRateLimited } from "./registry.js";

/** The Web API method a request URL names ("chat.postMessage"); null for other URLs (uploads). */
export function slackMethodOf(url: string | URL): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  return /\/api\/([a-z][A-Za-z]*(?:\.[A-Za-z]+)+)$/.exec(path)?.[1] ?? null;
}

/** Slack's error code in an answer's body (`{"ok":false,"error":"..."}`), or null when it is ok. */
export function platformErrorOf(body: string): string | null {
  if (!/"ok"\s*:\s*false/.test(body)) return null;
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    return typeof error === "string" && /^[a-z][a-z0-9_]{0,63}$/.test(error) ? error : "other";
  } catch {
    return "other";
  }
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");

/** A fetch for WebClient's `fetch` option: the request goes out unchanged; its outcome is counted. */
export const countingSlackFetch: FetchFunction = async (url, init) => {
  const method = slackMethodOf(url);
  if (!method) return fetch(url, init);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    slackApiErrors.inc({ method, error: isTimeout(error) ? "timeout" : "network" });
    throw error;
  }
  if (response.status === 429) slackRateLimited.inc({ method });
  else if (response.status !== 200)
    slackApiErrors.inc({ method, error: `http_${response.status}` });
  else if (response.headers.get("content-type")?.includes("json")) {
    // Read from a copy, off the caller's path: the client reads the original as usual.
    void response
      .clone()
      .text()
      .then((body) => {
        const error = platformErrorOf(body);
        if (error) slackApiErrors.inc({ method, error });
      })
      .catch(() => undefined);
  }
  return response;
};
