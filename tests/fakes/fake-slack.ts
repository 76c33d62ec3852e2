// A fake Slack on 127.0.0.1 that speaks Slack's wire protocols: the Web API over HTTP
// (form-encoded or JSON bodies, bearer tokens, ok:false errors, HTTP 429 with Retry-After) and
// Socket Mode over WebSocket (apps.connections.open hands out a local ws:// URL). It records every
// Web API call so tests can assert on the Block Kit that was sent. enforceRateLimits() makes it
// answer as Slack does past its rate limits (HTTP 429, Retry-After in seconds).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { FakeSlackInstalls } from "./fake-slack-installs.js";

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** Whose token it was: a workspace's team id, or an org's enterprise id (installs by OAuth). */
  owner?: string;
}

export type SlackReply =
  | { kind: "ok"; body: Record<string, unknown> }
  | { kind: "error"; error: string; status?: number }
  | { kind: "rate_limited"; retryAfterSeconds: number };

type Responder = (call: SlackCall) => Record<string, unknown>;

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  teamName?: string;
  botUserId?: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
}

/** A file in the fake workspace: shared to Cadence by a user, or uploaded by the bot. */
export interface HostedFile {
  id: string;
  name: string;
  filetype: string;
  content: Buffer;
  /** Set by files.completeUploadExternal for the bot's own uploads. */
  channel?: string;
  threadTs?: string;
  title?: string;
  initialComment?: string;
}

/**
 * Calls per minute Slack allows per method, per app and workspace, by the tier on each method's
 * page (Tier 3: 50+, Tier 4: 100+), for the methods Cadence calls most; others are not limited.
 */
export const SLACK_TIER_LIMITS: Readonly<Record<string, number>> = {
  "chat.postEphemeral": 100,
  "chat.update": 50,
  "conversations.history": 50,
  "conversations.info": 50,
  "conversations.open": 50,
  "files.info": 100,
  "users.info": 100,
  "views.open": 100,
  "views.publish": 100,
  "views.push": 100,
  "views.update": 100,
};

export interface RateLimitOptions {
  /**
   * chat.postMessage, per channel: about one a second, "short bursts >1 allowed" (Slack's
   * rate-limit page): a bucket of this many posts, refilled at one a second. Default 2.
   */
  postBurst?: number;
  /** Calls per minute per method for the rest (bursts of up to a minute's worth). */
  perMinute?: Readonly<Record<string, number>>;
}

interface PendingAck {
  resolve(payload: Record<string, unknown> | undefined): void;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly botUserId: string;
  private readonly users = new Map<string, Record<string, unknown>>();
  private readonly queued = new Map<string, SlackReply[]>();
  private readonly responders = new Map<string, Responder>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pendingAcks = new Map<string, PendingAck>();
  private readonly callWaiters: Array<{
    test(call: SlackCall): boolean;
    resolve(call: SlackCall): void;
  }> = [];
  private socketWaiters: Array<() => void> = [];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private messageCounter = 0;
  /** Installs by OAuth: the consent page, oauth.v2.access and a token per workspace or org. */
  readonly installs = new FakeSlackInstalls();
  /** Files users shared (hostFile) and files the bot uploaded (files.uploadV2), by id. */
  readonly files = new Map<string, HostedFile>();
  /** Messages posted with chat.postMessage, oldest first; chat.update edits them. */
  readonly messages: StoredMessage[] = [];
  port = 0;
  /** How long Slack takes to answer a method, in ms (0 by default). */
  latencyMs: (method: string) => number = () => 0;
  /** Slack's clock for message timestamps; tests with a fixed clock set it to match. */
  clock: () => number = () => Date.now();
  /** Calls that get a given reply for as long as the rule stands (see replyWhen). */
  private readonly rules: Array<{
    method: string;
    matches(call: SlackCall): boolean;
    reply: SlackReply;
  }> = [];
  /** Calls answered HTTP 429 while rate limits are enforced (see enforceRateLimits). */
  readonly rateLimitedCalls: SlackCall[] = [];
  private limits: Required<RateLimitOptions> | undefined;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Calls held unanswered (see hang) until released; their connections close on stop(). */
  private readonly hangs: Array<{
    method: string;
    matches(call: SlackCall): boolean;
    held: Array<() => void>;
  }> = [];

  constructor(options: FakeSlackOptions = {}) {
    this.botToken = options.botToken ?? "xoxb-test-bot-token";
    this.appToken = options.appToken ?? "xapp-test-app-token";
    this.teamId = options.teamId ?? "T0CADENCE";
    this.teamName = options.teamName ?? "Acme Revenue";
    this.botUserId = options.botUserId ?? "U0CADENCEBOT";
  }

  /** The value for SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: "/socket-mode" });
    this.wss.on("connection", (socket) => this.onSocket(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /**
   * A file a user shared, as Slack hosts it: files.info describes it and its url_private_download
   * serves the bytes to a request with the bot token (without one, Slack answers with an HTML
   * sign-in page, status 200).
   */
  hostFile(name: string, content: string | Buffer, filetype = "csv"): Record<string, unknown> {
    const id = `F${String(++this.messageCounter).padStart(8, "0")}`;
    const file: HostedFile = { id, name, filetype, content: Buffer.from(content) };
    this.files.set(id, file);
    return this.describeFile(file);
  }

  /** How a hosted file's download is served instead (a server that closes early, hangs…). */
  private readonly fileServers = new Map<string, (res: ServerResponse, file: HostedFile) => void>();

  /** A file whose download misbehaves: `serve` answers the download request as it likes. */
  hostFaultyFile(
    name: string,
    content: string | Buffer,
    serve: (res: ServerResponse, file: HostedFile) => void,
  ): Record<string, unknown> {
    const described = this.hostFile(name, content);
    this.fileServers.set(String(described.id), serve);
    return described;
  }

  /** The files the bot uploaded with files.uploadV2 (completed), oldest first. */
  uploads(): HostedFile[] {
    return [...this.files.values()].filter((file) => file.channel);
  }

  private describeFile(file: HostedFile): Record<string, unknown> {
    const url = `http://127.0.0.1:${this.port}/files-pri/${this.teamId}-${file.id}/${encodeURIComponent(file.name)}`;
    return {
      id: file.id,
      name: file.name,
      title: file.name,
      filetype: file.filetype,
      mimetype: file.filetype === "csv" ? "text/csv" : "application/octet-stream",
      size: file.content.length,
      url_private: url,
      url_private_download: `${url}?download=1`,
    };
  }

  /** A member that users.info will return. */
  addUser(user: Record<string, unknown> & { id: string }): void {
    this.users.set(user.id, { team_id: this.teamId, deleted: false, is_bot: false, ...user });
  }

  /** The next call(s) to `method` get this reply, in order; after that, the default again. */
  queue(method: string, ...replies: SlackReply[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...replies]);
  }

  /**
   * Every call to `method` that matches gets `reply` (e.g. is_archived for one channel), until
   * the returned function is called.
   */
  replyWhen(method: string, matches: (call: SlackCall) => boolean, reply: SlackReply): () => void {
    const rule = { method, matches, reply };
    this.rules.push(rule);
    return () => void this.rules.splice(this.rules.indexOf(rule), 1);
  }

  /**
   * Every call to `method` that matches is not answered, as when Slack hangs, until the returned
   * function is called: then the held calls are answered as usual.
   */
  hang(method: string, matches: (call: SlackCall) => boolean = () => true): () => void {
    const rule = { method, matches, held: [] as Array<() => void> };
    this.hangs.push(rule);
    return () => {
      this.hangs.splice(this.hangs.indexOf(rule), 1);
      for (const answer of rule.held.splice(0)) answer();
    };
  }

  /**
   * From now on, answers as Slack does past its limits: HTTP 429 with Retry-After (whole seconds)
   * and `{"ok":false,"error":"ratelimited"}`. Rate-limited calls are recorded like any other call,
   * and in rateLimitedCalls.
   */
  enforceRateLimits(options: RateLimitOptions = {}): this {
    this.limits = { postBurst: 2, perMinute: SLACK_TIER_LIMITS, ...options };
    return this;
  }

  /** Seconds the caller must wait before `call` is allowed; 0 when it is allowed now. */
  private retryAfter(call: SlackCall): number {
    if (!this.limits) return 0;
    if (call.method === "chat.postMessage")
      return this.take(`post:${String(call.args.channel)}`, this.limits.postBurst, 1);
    const perMinute = this.limits.perMinute[call.method];
    return perMinute ? this.take(`method:${call.method}`, perMinute, perMinute / 60) : 0;
  }

  /** A token bucket: takes a token if there is one (0), else says how long until there is. */
  private take(key: string, capacity: number, perSecond: number): number {
    const now = Date.now() / 1000;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  /** Replaces the default answer for `method`. */
  respond(method: string, responder: Responder): void {
    this.responders.set(method, responder);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the first call (already made or coming) to `method` that matches. */
  waitForCall(
    method: string,
    matches: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<SlackCall> {
    const seen = this.calls.find((call) => call.method === method && matches(call));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${method} call within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.callWaiters.push({
        test: (call) => call.method === method && matches(call),
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      });
    });
  }

  /** A response_url that records what is posted to it (as calls to "response_url"). */
  responseUrl(id: string = randomUUID()): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  private record(call: SlackCall): void {
    this.calls.push(call);
    for (const waiter of this.callWaiters.filter((w) => w.test(call))) {
      this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
  }

  // ---- Socket Mode ----

  waitForSocketConnection(timeoutMs = 5_000): Promise<void> {
    if (this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no Socket Mode connection")), timeoutMs);
      this.socketWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Sends an envelope to the connected app and resolves with the payload of its acknowledgement
   * (undefined for a bare ack), as Slack would receive it.
   */
  sendEnvelope(
    type: "slash_commands" | "interactive" | "events_api",
    payload: Record<string, unknown>,
    timeoutMs = 5_000,
  ) {
    const socket = [...this.sockets][0];
    if (!socket) return Promise.reject(new Error("no Socket Mode connection"));
    const envelopeId = randomUUID();
    return new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`envelope ${type} was not acknowledged`)),
        timeoutMs,
      );
      this.pendingAcks.set(envelopeId, {
        resolve: (ackPayload) => {
          clearTimeout(timer);
          resolve(ackPayload);
        },
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== "events_api",
          retry_attempt: 0,
          retry_reason: "",
        }),
      );
    });
  }

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString()) as {
        envelope_id?: string;
        payload?: Record<string, unknown>;
      };
      if (!message.envelope_id) return;
      this.pendingAcks.get(message.envelope_id)?.resolve(message.payload);
      this.pendingAcks.delete(message.envelope_id);
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        connection_info: { app_id: "A0CADENCE" },
        debug_info: { host: "fake-slack" },
      }),
    );
    for (const waiter of this.socketWaiters) waiter();
    this.socketWaiters = [];
  }

  // ---- Web API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.installs.handleConsentPage(req, res)) return;
    if ((req.url ?? "").startsWith("/response/") && req.method === "POST") {
      // A response_url: Bolt's respond() posts JSON here. Recorded as method "response_url".
      const body = await readBody(req);
      this.record({
        method: "response_url",
        args: { ...(JSON.parse(body || "{}") as object), url: req.url },
        token: undefined,
      });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    const download = /^\/files-pri\/[^/]+-(F\w+)\//.exec(req.url ?? "");
    if (download?.[1] && req.method === "GET") {
      const file = this.files.get(download[1]);
      if (!file) res.writeHead(404).end();
      else if (this.fileServers.has(file.id)) this.fileServers.get(file.id)!(res, file);
      else if (req.headers.authorization !== `Bearer ${this.botToken}`)
        res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in to Slack</html>");
      else res.writeHead(200, { "content-type": "application/octet-stream" }).end(file.content);
      return;
    }
    const upload = /^\/upload\/(F\w+)$/.exec(req.url ?? "");
    if (upload?.[1] && req.method === "POST") {
      const file = this.files.get(upload[1]);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      // The Web API client posts multipart form data (a raw body is accepted too, like Slack).
      const body = Buffer.concat(chunks);
      const type = req.headers["content-type"] ?? "";
      if (file && type.startsWith("multipart/form-data")) {
        const form = await new Response(body, { headers: { "content-type": type } }).formData();
        const part = [...form.values()].find((value) => typeof value !== "string");
        file.content = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
      } else if (file) file.content = body;
      res.writeHead(file ? 200 : 404, { "content-type": "text/plain" }).end("OK");
      return;
    }
    const match = /^\/api\/([\w.]+)/.exec(req.url ?? "");
    if (!match?.[1] || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const method = match[1];
    const raw = await readBody(req);
    const args = parseArgs(req.headers["content-type"] ?? "", raw);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;
    const issued = token ? this.installs.tokens.get(token) : undefined;
    const call: SlackCall = {
      method,
      args,
      token,
      ...(issued ? { owner: issued.teamId ?? issued.enterpriseId } : {}),
    };
    this.record(call);
    const wait = this.retryAfter(call);
    if (wait > 0) {
      this.rateLimitedCalls.push(call);
      answerRateLimited(res, wait);
      return;
    }

    const hang = this.hangs.find((h) => h.method === method && h.matches(call));
    if (hang) {
      hang.held.push(() => void this.answer(call, res));
      return;
    }
    await this.answer(call, res);
  }

  private async answer(call: SlackCall, res: ServerResponse): Promise<void> {
    const { method } = call;
    const delay = this.latencyMs(method);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const reply =
      this.queued.get(method)?.shift() ??
      this.rules.find((r) => r.method === method && r.matches(call))?.reply ??
      this.defaultReply(call);
    if (reply.kind === "rate_limited") {
      answerRateLimited(res, reply.retryAfterSeconds);
      return;
    }
    const body =
      reply.kind === "ok" ? { ok: true, ...reply.body } : { ok: false, error: reply.error };
    res.writeHead(reply.kind === "error" ? (reply.status ?? 200) : 200, {
      "content-type": "application/json",
    });
    res.end(JSON.stringify(body));
  }

  private defaultReply(call: SlackCall): SlackReply {
    if (call.method === "oauth.v2.access") {
      const reply = this.installs.oauthAccess(call.args);
      return reply.ok ? ok(reply.body) : { kind: "error", error: reply.error };
    }
    if (call.method === "api.test") return ok({});
    const expected = call.method === "apps.connections.open" ? this.appToken : this.botToken;
    if (!call.token) return { kind: "error", error: "not_authed" };
    const refusal = this.installs.refusal(call.token);
    if (refusal) return { kind: "error", error: refusal };
    if (refusal === undefined && call.token !== expected)
      return { kind: "error", error: "invalid_auth" };
    if (call.method === "auth.test" && refusal === null)
      return ok(this.installs.authTest(call.token)!);
    const responder = this.responders.get(call.method);
    if (responder) return { kind: "ok", body: responder(call) };
    return this.builtIn(call);
  }

  private builtIn({ method, args }: SlackCall): SlackReply {
    switch (method) {
      case "auth.test":
        return ok({
          url: "https://acme.slack.com/",
          team: this.teamName,
          user: "cadence",
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: "B0CADENCE",
          is_enterprise_install: false,
        });
      case "apps.connections.open":
        return ok({ url: `ws://127.0.0.1:${this.port}/socket-mode?ticket=${randomUUID()}` });
      case "chat.postMessage": {
        const message: StoredMessage = {
          channel: String(args.channel),
          ts: this.nextTs(),
          text: args.text,
          blocks: args.blocks,
          metadata: args.metadata as StoredMessage["metadata"],
          thread_ts: args.thread_ts as string | undefined,
        };
        this.messages.push(message);
        return ok({
          channel: message.channel,
          ts: message.ts,
          message: { ...message, type: "message", bot_id: "B0CADENCE" },
        });
      }
      case "conversations.history": {
        // Newest first, like Slack; metadata only when asked for with include_all_metadata.
        const oldest = Number(args.oldest ?? 0);
        const withMetadata = String(args.include_all_metadata) === "true";
        const found = this.messages
          .filter(
            (m) => m.channel === String(args.channel) && !m.thread_ts && Number(m.ts) >= oldest,
          )
          .reverse()
          .slice(0, Number(args.limit ?? 100))
          .map(({ metadata, ...message }) => ({
            type: "message",
            bot_id: "B0CADENCE",
            ...message,
            ...(withMetadata && metadata ? { metadata } : {}),
          }));
        return ok({ messages: found, has_more: false });
      }
      case "chat.postEphemeral":
        return ok({ message_ts: this.nextTs() });
      case "chat.update": {
        const message = this.messages.find(
          (m) => m.channel === String(args.channel) && m.ts === String(args.ts),
        );
        if (!message) return { kind: "error", error: "message_not_found" };
        Object.assign(message, {
          text: args.text ?? message.text,
          blocks: args.blocks ?? message.blocks,
        });
        return ok({ channel: args.channel, ts: args.ts });
      }
      case "views.publish":
      case "views.open":
      case "views.update":
      case "views.push":
        return ok({ view: { id: `V${++this.messageCounter}`, ...(args.view as object) } });
      case "users.info": {
        const user = this.users.get(String(args.user));
        return user ? ok({ user }) : { kind: "error", error: "user_not_found" };
      }
      case "files.info": {
        const file = this.files.get(String(args.file));
        return file
          ? ok({ file: this.describeFile(file) })
          : { kind: "error", error: "file_not_found" };
      }
      case "files.getUploadURLExternal": {
        const id = `F${String(++this.messageCounter).padStart(8, "0")}`;
        const name = String(args.filename);
        this.files.set(id, {
          id,
          name,
          filetype: name.split(".").pop() ?? "",
          content: Buffer.alloc(0),
        });
        return ok({ upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id });
      }
      case "files.completeUploadExternal": {
        const described = (
          typeof args.files === "string" ? JSON.parse(args.files) : args.files
        ) as Array<{ id: string; title?: string }>;
        for (const { id, title } of described) {
          const file = this.files.get(id);
          if (!file) return { kind: "error", error: "file_not_found" };
          Object.assign(file, {
            channel: String(args.channel_id),
            threadTs: args.thread_ts as string | undefined,
            title,
            initialComment: args.initial_comment as string | undefined,
          });
        }
        return ok({ files: described.map(({ id }) => ({ id })) });
      }
      case "conversations.open":
        return ok({
          channel: { id: `D${String((args.users as string | undefined) ?? "").replace(/,/g, "")}` },
        });
      default:
        return ok({});
    }
  }

  private nextTs(): string {
    this.messageCounter += 1;
    const seconds = Math.floor(this.clock() / 1000);
    return `${seconds}.${String(this.messageCounter).padStart(6, "0")}`;
  }
}

const ok = (body: Record<string, unknown>): SlackReply => ({ kind: "ok", body });

function answerRateLimited(res: ServerResponse, retryAfterSeconds: number): void {
  res.writeHead(429, {
    "retry-after": String(retryAfterSeconds),
    "content-type": "application/json",
  });
  res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Slack's clients send form fields whose nested values (blocks, view) are JSON strings. */
function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes("application/json"))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
