// A fake OpenAI-compatible server on 127.0.0.1 that speaks the real wire protocol: POST
// /v1/chat/completions with a bearer token and a JSON body, answered with a chat.completion
// object, an OpenAI-style error, garbage, or nothing at all. It records every request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** The raw body, exactly as sent. */
  raw: string;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
}

export type FakeOpenAIBehaviour =
  | { kind: "answer"; content: string; model?: string }
  /** A body that is not JSON, though labelled as JSON. */
  | { kind: "not-json" }
  /** Valid JSON, but no choices. */
  | { kind: "no-choices" }
  | { kind: "error"; status: number; message?: string }
  /** Never answers, until stop(); or sends the headers and the first byte, then nothing. */
  | { kind: "hang"; afterHeaders?: boolean };

export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  behaviour: FakeOpenAIBehaviour = { kind: "answer", content: "• A theme." };
  private server: Server | undefined;
  private port: number | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly apiKey = "sk-test-fake-openai") {}

  /** Still set after stop(): then nothing listens there, which tests "the server is down". */
  get baseUrl(): string {
    if (this.port === undefined) throw new Error("FakeOpenAI was never started");
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    this.requests.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      raw,
      body,
    });
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      return this.error(response, 404, `Unknown request URL: ${request.method} ${request.url}`);
    }
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.error(response, 401, "Incorrect API key provided.", "invalid_api_key");
    }
    if (body === undefined) return this.error(response, 400, "We could not parse the JSON body.");
    const behaviour = this.behaviour;
    switch (behaviour.kind) {
      case "answer":
        return this.json(response, 200, completion(body, behaviour.content, behaviour.model));
      case "not-json":
        response.writeHead(200, { "content-type": "application/json" });
        response.end("<html>502 Bad Gateway</html>");
        return;
      case "no-choices":
        return this.json(response, 200, { id: "chatcmpl-fake", object: "chat.completion" });
      case "error":
        return this.error(
          response,
          behaviour.status,
          behaviour.message ?? "The server had an error.",
        );
      case "hang":
        if (behaviour.afterHeaders) {
          response.writeHead(200, { "content-type": "application/json" });
          response.write("{");
        }
        this.hanging.add(response);
        response.on("close", () => this.hanging.delete(response));
        return;
    }
  }

  private json(response: ServerResponse, status: number, value: unknown): void {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(value));
  }

  private error(response: ServerResponse, status: number, message: string, code?: string): void {
    this.json(response, status, {
      error: {
        message,
        type: status >= 500 ? "server_error" : "invalid_request_error",
        param: null,
        code: code ?? null,
      },
    });
  }
}

function completion(body: unknown, content: string, model?: string) {
  const requested =
    typeof body === "object" && body !== null && "model" in body ? String(body.model) : "gpt-fake";
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: model ?? requested,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}
