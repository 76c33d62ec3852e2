// The install side of the fake Slack (tests/fakes/fake-slack.ts): the consent page a person
// approves at /oauth/v2/authorize, oauth.v2.access (the code grant, and the refresh_token grant of
// token rotation), and a bot token per installed workspace or org, checked on every call so a test
// can tell which workspace's token made each call. Enterprise Grid: an org-wide install gets one
// token for the whole org, as Slack gives it.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const FAKE_CLIENT_ID = "1111111111.2222222222";
export const FAKE_CLIENT_SECRET = "fakeclientsecret0123456789abcdef";

export interface FakeInstall {
  /** The workspace; unset for an org-wide install. */
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  isEnterpriseInstall?: boolean;
  botUserId?: string;
  installerUserId?: string;
  /** With token rotation: how long each access token lives, in seconds. */
  expiresIn?: number;
}

export interface TokenOwner {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  botUserId: string;
  /** Set when the token was refreshed away, revoked, or the app uninstalled. */
  revoked: boolean;
  /** Milliseconds since the epoch (real time, as Slack's). */
  expiresAt?: number;
  install: FakeInstall;
}

type Reply = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

export class FakeSlackInstalls {
  readonly tokens = new Map<string, TokenOwner>();
  private readonly refreshTokens = new Map<string, FakeInstall>();
  private readonly codes = new Map<string, FakeInstall>();
  private readonly approvals: FakeInstall[] = [];
  private counter = 0;
  /** Every oauth.v2.access grant handed out, oldest first (for rotation tests). */
  readonly grants: Array<{ grantType: "authorization_code" | "refresh_token"; token: string }> = [];

  /** The next visit of the consent page is approved as this install. */
  approveNextInstall(install: FakeInstall): void {
    this.approvals.push(install);
  }

  /** GET /oauth/v2/authorize: as a person clicking Allow, redirects back with a code. */
  handleConsentPage(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://fake-slack");
    if (url.pathname !== "/oauth/v2/authorize" || req.method !== "GET") return false;
    const install = this.approvals.shift();
    const redirect = url.searchParams.get("redirect_uri");
    if (!install || !redirect || url.searchParams.get("client_id") !== FAKE_CLIENT_ID) {
      res.writeHead(400, { "content-type": "text/plain" }).end("no install approved");
      return true;
    }
    const code = `code-${randomUUID()}`;
    this.codes.set(code, install);
    const back = new URL(redirect);
    back.searchParams.set("code", code);
    back.searchParams.set("state", url.searchParams.get("state") ?? "");
    res.writeHead(302, { location: back.toString() }).end();
    return true;
  }

  /** oauth.v2.access, authenticated with the app's client id and secret. */
  oauthAccess(args: Record<string, unknown>): Reply {
    if (args.client_id !== FAKE_CLIENT_ID || args.client_secret !== FAKE_CLIENT_SECRET)
      return { ok: false, error: "invalid_client_id" };
    if (args.grant_type === "refresh_token") {
      const install = this.refreshTokens.get(String(args.refresh_token));
      if (!install) return { ok: false, error: "invalid_refresh_token" };
      this.refreshTokens.delete(String(args.refresh_token));
      // The access token it replaces stops working, so a test sees the new one is used.
      for (const owner of this.tokens.values()) if (owner.install === install) owner.revoked = true;
      return { ok: true, body: this.issue(install, "refresh_token") };
    }
    const install = this.codes.get(String(args.code));
    if (!install) return { ok: false, error: "invalid_code" };
    this.codes.delete(String(args.code));
    return { ok: true, body: this.issue(install, "authorization_code") };
  }

  private issue(install: FakeInstall, grantType: "authorization_code" | "refresh_token") {
    this.counter += 1;
    const orgWide = Boolean(install.isEnterpriseInstall);
    const who = orgWide ? install.enterpriseId : install.teamId;
    const token = `xoxb-${who}-${this.counter}`;
    const botUserId = install.botUserId ?? `U0BOT${who}`;
    const rotating = install.expiresIn !== undefined;
    this.tokens.set(token, {
      teamId: orgWide ? undefined : install.teamId,
      enterpriseId: install.enterpriseId,
      isEnterpriseInstall: orgWide,
      botUserId,
      revoked: false,
      expiresAt: rotating ? Date.now() + install.expiresIn! * 1000 : undefined,
      install,
    });
    this.grants.push({ grantType, token });
    const refreshToken = rotating ? `xoxe-1-${who}-${this.counter}` : undefined;
    if (refreshToken) this.refreshTokens.set(refreshToken, install);
    return {
      app_id: "A0CADENCE",
      authed_user: { id: install.installerUserId ?? "U0INSTALLER" },
      scope: "commands,chat:write",
      token_type: "bot",
      access_token: token,
      bot_user_id: botUserId,
      team: orgWide ? null : { id: install.teamId, name: install.teamName ?? install.teamId },
      enterprise: install.enterpriseId
        ? { id: install.enterpriseId, name: install.enterpriseName ?? install.enterpriseId }
        : null,
      is_enterprise_install: orgWide,
      ...(rotating ? { refresh_token: refreshToken, expires_in: install.expiresIn } : {}),
    };
  }

  /** Why a token issued here is refused, or null when it is good; undefined for another token. */
  refusal(token: string): string | null | undefined {
    const owner = this.tokens.get(token);
    if (!owner) return undefined;
    if (owner.revoked) return "token_revoked";
    if (owner.expiresAt !== undefined && Date.now() >= owner.expiresAt) return "token_expired";
    return null;
  }

  authTest(token: string): Record<string, unknown> | undefined {
    const owner = this.tokens.get(token);
    if (!owner) return undefined;
    return {
      url: `https://${owner.teamId ?? owner.enterpriseId}.slack.com/`,
      team: owner.install.teamName ?? owner.teamId ?? owner.enterpriseId,
      user: "cadence",
      team_id: owner.teamId ?? owner.enterpriseId,
      user_id: owner.botUserId,
      bot_id: `B0${owner.botUserId}`,
      is_enterprise_install: owner.isEnterpriseInstall,
      ...(owner.enterpriseId ? { enterprise_id: owner.enterpriseId } : {}),
    };
  }

  /** The app is uninstalled from a workspace, or an org-wide install from its org: tokens die. */
  revoke(where: { teamId?: string; enterpriseId?: string }): void {
    for (const owner of this.tokens.values()) {
      const matches = where.teamId
        ? owner.teamId === where.teamId
        : owner.isEnterpriseInstall && owner.enterpriseId === where.enterpriseId;
      if (matches) owner.revoked = true;
    }
  }

  /** An Events API envelope as Slack posts it, for app_uninstalled, tokens_revoked and the like. */
  eventBody(
    event: Record<string, unknown>,
    where: { teamId: string; enterpriseId?: string; isEnterpriseInstall?: boolean },
  ): string {
    return JSON.stringify({
      token: "deprecated-verification-token",
      team_id: where.teamId,
      ...(where.enterpriseId ? { enterprise_id: where.enterpriseId } : {}),
      api_app_id: "A0CADENCE",
      event: { event_ts: `${Date.now() / 1000}`, ...event },
      type: "event_callback",
      event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 10)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: where.enterpriseId ?? null,
          team_id: where.isEnterpriseInstall ? null : where.teamId,
          user_id: "U0BOT",
          is_bot: true,
          is_enterprise_install: Boolean(where.isEnterpriseInstall),
        },
      ],
      is_ext_shared_channel: false,
    });
  }
}
