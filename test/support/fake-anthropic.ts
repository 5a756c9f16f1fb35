import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A real HTTP server on 127.0.0.1 that speaks the streamed part of Anthropic's Messages API
 * (POST /v1/messages with `stream: true`, answered as server-sent events), so tests exercise the
 * official SDK end to end. It records every request, headers included: a test that must not reach
 * the cloud asserts `requests` stays empty.
 *
 * @example
 * const cloud = await FakeAnthropicServer.start();
 * cloud.replyWith(["Billing moved ", "to Stripe [1]."]);
 * const model = createAnthropicChat({ apiKey: "sk-test", model: "claude-test", baseURL: cloud.url });
 * await cloud.close();
 */
export class FakeAnthropicServer {
  /** Base URL, e.g. `http://127.0.0.1:53121`; the SDK appends `/v1/messages`. */
  readonly url: string;
  readonly requests: RecordedCloudRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private chunks: string[] = ["Hello from the cloud."];
  private fault: CloudFault | null = null;
  private turns: CloudTurn[] | null = null;
  private turnCount = 0;

  private constructor(server: http.Server) {
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("request", (req, res) => void this.handle(req, res));
  }

  static async start(): Promise<FakeAnthropicServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return new FakeAnthropicServer(server);
  }

  /** The text deltas of the next answers. */
  replyWith(chunks: string[]): void {
    this.chunks = chunks;
  }

  /**
   * Scripts the answers to requests that are not streamed (tool use): each gets the next turn (the
   * last one repeats), as a message of `text` and `tool_use` blocks.
   */
  replyTurns(turns: CloudTurn[]): void {
    this.turns = turns;
    this.turnCount = 0;
  }

  /**
   * A fault for every following request until switched off with `null`: an HTTP error status with
   * Anthropic's error body, or a stream that drops the connection, hangs, or sends an `error` event
   * after `after` deltas.
   */
  fail(fault: CloudFault | null): void {
    this.fault = fault;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const record: RecordedCloudRequest = {
      method: req.method ?? "GET",
      path: new URL(req.url ?? "/", this.url).pathname,
      headers: req.headers,
      body: parse(raw),
      closedEarly: false,
    };
    this.requests.push(record);
    res.on("close", () => (record.closedEarly = !res.writableFinished));
    const body = (record.body ?? {}) as { stream?: boolean; model?: string };
    if (record.method !== "POST" || record.path !== "/v1/messages") {
      return sendError(res, 404, "not_found_error", `No route ${record.path}`);
    }
    const fault = this.fault;
    if (fault?.kind === "status") return sendError(res, fault.status, fault.type, fault.message);
    if (body.stream !== true && this.turns) return this.turn(res, body.model ?? "claude-test");
    if (body.stream !== true) return sendError(res, 400, "invalid_request_error", "This fake streams only.");
    this.stream(res, body.model ?? "claude-test", fault);
  }

  private turn(res: http.ServerResponse, model: string): void {
    const turns = this.turns!;
    const turn = turns[Math.min(this.turnCount++, turns.length - 1)]!;
    const content = [
      ...(turn.text ? [{ type: "text", text: turn.text }] : []),
      ...(turn.calls ?? []).map((c, i) => ({
        type: "tool_use",
        id: `toolu_${this.turnCount}_${i + 1}`,
        name: c.name,
        input: c.input,
      })),
    ];
    const text = JSON.stringify({
      id: `msg_fake_${this.turnCount}`,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: turn.calls?.length ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    });
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private stream(res: http.ServerResponse, model: string, fault: CloudFault | null): void {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    const usage = { input_tokens: 10, output_tokens: 1 };
    const message = {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    let out = event("message_start", { type: "message_start", message });
    out += event("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    out += event("ping", { type: "ping" });
    const broken = fault && fault.kind !== "status" ? fault : null;
    const sent = broken ? this.chunks.slice(0, broken.after) : this.chunks;
    for (const text of sent) {
      out += event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      });
    }
    if (broken?.kind === "sseError") {
      out += event("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
      return void res.end(out);
    }
    if (broken) return void res.write(out, () => broken.kind === "drop" && res.socket?.destroy());
    out += event("content_block_stop", { type: "content_block_stop", index: 0 });
    out += event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: sent.length },
    });
    out += event("message_stop", { type: "message_stop" });
    res.end(out);
  }
}

/** One scripted tool-use turn: text, and the tools it calls. */
export interface CloudTurn {
  text?: string;
  calls?: { name: string; input: unknown }[];
}

export type CloudFault =
  | { kind: "status"; status: number; type: string; message: string }
  | { kind: "drop" | "hang" | "sseError"; after: number };

export interface RecordedCloudRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (the raw text when not JSON). */
  body: unknown;
  closedEarly: boolean;
}

/** The request body fields the tests look at. */
export interface CloudRequestBody {
  model: string;
  system?: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  tools?: unknown;
}

function parse(raw: string): unknown {
  if (raw === "") return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ type: "error", error: { type, message } });
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
