// Every request gets an answer within Slack's 3 seconds, whatever its payload and whatever a
// listener throws: guard() acknowledges a request its listener left unacknowledged, and the
// receivers' error handlers answer payloads Bolt itself chokes on (a view_submission with
// `view: null` fails in Bolt's own routing, before any middleware runs).
import {
  AuthorizationError,
  HTTPModuleFunctions,
  type AnyMiddlewareArgs,
  type Middleware,
  type ReceiverProcessEventErrorHandlerArgs,
  type SocketModeReceiverProcessEventErrorHandlerArgs,
} from "@slack/bolt";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import { ackSeconds } from "../metrics/registry.js";

export const newReference = () => Math.random().toString(36).slice(2, 8);

export const apology = (reference: string) =>
  `Sorry, something went wrong on our side (reference ${reference}). Nothing was changed.`;

type Ack = (response?: never) => Promise<void>;

interface GuardedArgs {
  ack?: Ack;
  body: unknown;
}

/** Bolt's argument types differ per kind of listener; all have a body, most an ack. */
const guardedArgs = (args: unknown) => args as GuardedArgs;

/**
 * Wraps a listener: an error is logged with a reference, and if the listener had not acknowledged
 * yet, the acknowledgement says sorry (ephemeral text for a command, a field error for a view).
 */
export function guard<A>(
  logger: Logger,
  name: string,
  listener: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  const guarded = async (original: A) => {
    const args = guardedArgs(original);
    let acked = false;
    const ack = args.ack
      ? (((response?: never) => {
          acked = true;
          return args.ack!(response);
        }) as Ack)
      : undefined;
    try {
      await listener(ack ? { ...original, ack } : original);
    } catch (error) {
      const reference = newReference();
      logger.error({ err: error, reference, listener: name }, "a Slack listener failed");
      if (!args.ack || acked) return;
      await args
        .ack(apologyAck(args.body, reference) as never)
        .catch((ackError: unknown) =>
          logger.error({ err: ackError, reference }, "could not acknowledge after a failure"),
        );
    }
  };
  Object.defineProperty(guarded, "name", { value: name });
  return guarded;
}

/** The acknowledgement that says sorry in the surface used. */
export function apologyAck(body: unknown, reference: string): object | undefined {
  const b = (typeof body === "object" && body !== null ? body : {}) as {
    type?: unknown;
    command?: unknown;
    view?: unknown;
  };
  if (typeof b.command === "string")
    return { response_type: "ephemeral", text: apology(reference) };
  if (b.type === "view_submission") {
    const blockId = firstInputBlock(b.view);
    // A field error keeps the modal open with what was typed; without an input block, close it.
    return blockId
      ? { response_action: "errors", errors: { [blockId]: apology(reference) } }
      : undefined;
  }
  return undefined;
}

/** The block a field error can be shown under: the first input, or the first with a value. */
export function firstInputBlock(view: unknown): string | undefined {
  const { blocks, state } = (view ?? {}) as { blocks?: unknown; state?: { values?: unknown } };
  const input = Array.isArray(blocks)
    ? (blocks as Array<{ type?: unknown; block_id?: unknown } | null>).find(
        (block) => block?.type === "input" && typeof block.block_id === "string",
      )
    : undefined;
  if (input) return input.block_id as string;
  const values = state?.values;
  return values && typeof values === "object" ? Object.keys(values)[0] : undefined;
}

/**
 * Installed first: a view payload without a view object (Bolt reads view.callback_id to route it
 * and would fail with a 500) is acknowledged and logged instead of reaching any listener.
 */
export function rejectMalformed(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async function answerMalformed(args) {
    const body = args.body as { type?: unknown; view?: unknown };
    const isView = body.type === "view_submission" || body.type === "view_closed";
    if (isView && (typeof body.view !== "object" || body.view === null)) {
      logger.warn({ type: body.type }, "ignored a view payload without a view");
      if ("ack" in args && typeof args.ack === "function") await (args.ack as Ack)();
      return;
    }
    await args.next();
  };
}

/** HTTP mode: an error escaping Bolt is answered 200 with an apology, never a 500 (Slack retries). */
export function answerHttpFailure(logger: Logger) {
  return function answerFailedRequest(
    args: ReceiverProcessEventErrorHandlerArgs,
  ): Promise<boolean> {
    const reference = newReference();
    logger.error({ err: args.error, reference }, "Bolt could not process a Slack request");
    const { response } = args;
    if (response.headersSent) return Promise.resolve(false);
    if (args.error instanceof AuthorizationError) {
      response.writeHead(401).end();
      return Promise.resolve(true);
    }
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(args.request as never);
    } catch {
      body = {};
    }
    const answer = apologyAck(body, reference);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(answer ? JSON.stringify(answer) : "");
    return Promise.resolve(true);
  };
}

/** Socket Mode: the same, acknowledged over the WebSocket. */
export function answerSocketFailure(logger: Logger) {
  return async function answerFailedEnvelope(
    args: SocketModeReceiverProcessEventErrorHandlerArgs,
  ): Promise<boolean> {
    const reference = newReference();
    logger.error({ err: args.error, reference }, "Bolt could not process a Slack request");
    await args.event
      .ack(apologyAck(args.event.body, reference))
      .catch((error: unknown) => logger.warn({ err: error, reference }, "could not acknowledge"));
    return false;
  };
}

/** The action ids and view callback ids some listener answers, recorded as they register. */
export interface Routes {
  actions: Array<string | RegExp | object>;
  views: Array<string | RegExp | object>;
}

const routed = (patterns: Routes["actions"], id: unknown) =>
  typeof id === "string" &&
  patterns.some((p) =>
    typeof p === "string" ? p === id : p instanceof RegExp ? p.test(id) : true,
  );

/**
 * A button or modal no listener knows (a message from an older version, a forged payload) is
 * acknowledged at once, where Bolt would answer 404 after 3 seconds.
 */
export function answerUnrouted(routes: Routes, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async function acknowledgeUnrouted(args) {
    const body = args.body as {
      type?: unknown;
      actions?: Array<{ action_id?: unknown }>;
      view?: { callback_id?: unknown } | null;
    };
    const ack = "ack" in args && typeof args.ack === "function" ? (args.ack as Ack) : null;
    const unrouted =
      (body.type === "block_actions" &&
        !(body.actions ?? []).some((a) => routed(routes.actions, a?.action_id))) ||
      ((body.type === "view_submission" || body.type === "view_closed") &&
        !routed(routes.views, body.view?.callback_id));
    if (ack && unrouted) {
      logger.warn({ type: body.type }, "acknowledged a payload no listener handles");
      await ack();
      return;
    }
    await args.next();
  };
}

/** Bolt's App with action() and view() recording what they route, for answerUnrouted. */
export function recordingRoutes<T extends object>(app: T, routes: Routes): T {
  return new Proxy(app, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const list =
        property === "action" ? routes.actions : property === "view" ? routes.views : null;
      return (...args: unknown[]) => {
        if (list) list.push(args[0] as string | RegExp | object);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * The last net: a request no listener acknowledged within this time (a payload type Bolt cannot
 * route, a listener that hung) is answered empty, inside Slack's 3 seconds.
 */
export const SILENCE_DEADLINE_MS = 2_500;

const isPlainObject = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * HTTP mode, around Bolt's request listener: a body that parses to something other than an object
 * (`null`, a number, an array; Bolt reads `body.ssl_check` from it and throws outside its error
 * path, leaving the request unanswered) is answered 400 at once. Bolt reuses the buffered body.
 */
export function answerEveryHttpRequest(
  listener: RequestListener,
  logger: Logger,
  bodyLimitBytes = HTTPModuleFunctions.defaultBodyLimit,
): RequestListener {
  return function answerHttpRequest(req, res) {
    void (async () => {
      let buffered: IncomingMessage;
      try {
        buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, bodyLimitBytes);
      } catch (error) {
        logger.warn({ err: error }, "could not read a request to the Slack endpoint");
        if (!res.headersSent) res.writeHead(HTTPModuleFunctions.isRawBodyError(error) ? 413 : 400);
        res.end();
        return;
      }
      let body: unknown = {};
      try {
        body = HTTPModuleFunctions.parseHTTPRequestBody(buffered as never);
      } catch {
        // Unparseable: Bolt answers 400 itself.
      }
      if (!isPlainObject(body)) {
        logger.warn("answered 400 to a Slack request whose body is not an object");
        res.writeHead(400).end();
        return;
      }
      listener(buffered, res);
    })();
  };
}

/** HTTP mode, Bolt's unhandledRequestHandler: an unacknowledged request gets 200, not a 404. */
export function answerUnacknowledged(logger: Logger) {
  return function answerSilence(args: { response: ServerResponse }): void {
    logger.warn("answered a Slack request that no listener acknowledged");
    if (!args.response.headersSent) args.response.writeHead(200).end();
  };
}

export interface EnvelopeSource {
  on(
    event: "slack_event",
    listener: (args: { envelope_id?: unknown; type?: unknown }) => void,
  ): unknown;
  send(envelopeId: string, body?: Record<string, unknown>): Promise<void>;
}

/**
 * Socket Mode: every envelope is acknowledged within SILENCE_DEADLINE_MS. Acks go through the
 * client's send(), so wrapping it tells which envelopes were answered; the rest get an empty ack.
 */
export function answerEveryEnvelope(
  client: EnvelopeSource,
  logger: Logger,
  deadlineMs = SILENCE_DEADLINE_MS,
): void {
  const answered = new Set<string>();
  const arrived = new Map<string, () => void>();
  const send = client.send.bind(client);
  client.send = (envelopeId, body) => {
    answered.add(envelopeId);
    arrived.get(envelopeId)?.();
    arrived.delete(envelopeId);
    return send(envelopeId, body);
  };
  client.on("slack_event", ({ envelope_id: id, type }) => {
    if (typeof id !== "string") return;
    arrived.set(id, ackSeconds.startTimer({ transport: "socket" }));
    setTimeout(() => {
      const observe = arrived.get(id);
      arrived.delete(id);
      if (answered.delete(id)) return;
      observe?.();
      logger.warn({ type }, "acknowledged an envelope that no listener acknowledged");
      void send(id, {}).catch((error: unknown) =>
        logger.warn({ err: error }, "could not acknowledge an envelope"),
      );
    }, deadlineMs).unref();
  });
}
