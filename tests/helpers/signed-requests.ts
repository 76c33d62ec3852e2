// Sends genuinely signed requests to the app in HTTP mode, as Slack does: v0 HMAC-SHA256 over
// "v0:<timestamp>:<raw body>" with the signing secret, in X-Slack-Signature and
// X-Slack-Request-Timestamp (api.slack.com/authentication/verifying-requests-from-slack).
import { createHmac } from "node:crypto";

export function slackSignature(
  signingSecret: string,
  timestamp: number | string,
  body: string,
): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedResponse {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface SlashCommandFields {
  command: string;
  text?: string;
  user_id?: string;
  user_name?: string;
  team_id?: string;
  channel_id?: string;
  trigger_id?: string;
  response_url?: string;
}

export class SlackRequests {
  constructor(
    readonly eventsUrl: string,
    readonly signingSecret: string,
    readonly teamId = "T0CADENCE",
  ) {}

  /** Posts a raw body with the signature and timestamp given (or correct ones for now). */
  async post(
    body: string,
    contentType: string,
    options: { timestamp?: number; signature?: string } = {},
  ): Promise<SignedResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await fetch(this.eventsUrl, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature":
          options.signature ?? slackSignature(this.signingSecret, timestamp, body),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: <T>() => JSON.parse(text) as T };
  }

  slashCommandBody(fields: SlashCommandFields): string {
    return new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      team_domain: "acme",
      channel_id: "C0GENERAL",
      channel_name: "general",
      user_id: "U0ALICE",
      user_name: "alice",
      text: "",
      api_app_id: "A0CADENCE",
      response_url: "https://hooks.slack.invalid/commands/T0CADENCE/1/abc",
      trigger_id: "1.2.abc",
      ...fields,
    }).toString();
  }

  slashCommand(fields: SlashCommandFields, options?: { timestamp?: number; signature?: string }) {
    return this.post(this.slashCommandBody(fields), "application/x-www-form-urlencoded", options);
  }

  /** Interactivity payloads (block_actions, view_submission) arrive as a form field `payload`. */
  interaction(payload: Record<string, unknown>) {
    const body = new URLSearchParams({
      payload: JSON.stringify({ team: { id: this.teamId }, api_app_id: "A0CADENCE", ...payload }),
    }).toString();
    return this.post(body, "application/x-www-form-urlencoded");
  }

  blockActions(fields: {
    user: string;
    actions: Record<string, unknown>[];
    [key: string]: unknown;
  }) {
    return this.interaction({
      type: "block_actions",
      trigger_id: "1.2.abc",
      ...fields,
      user: { id: fields.user },
    });
  }

  viewSubmission(fields: { user: string; view: Record<string, unknown> }) {
    return this.interaction({
      type: "view_submission",
      trigger_id: "1.2.abc",
      user: { id: fields.user },
      view: fields.view,
    });
  }

  /** An Events API callback. */
  event(event: Record<string, unknown>) {
    const body = JSON.stringify({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      api_app_id: "A0CADENCE",
      type: "event_callback",
      event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    return this.post(body, "application/json");
  }
}
