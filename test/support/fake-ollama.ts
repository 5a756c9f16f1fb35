import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { JsonSchema } from "../../src/core/enrich/json-schema.ts";
import { sampleFor } from "./schema-sample.ts";

/**
 * A real HTTP server on 127.0.0.1 that speaks the part of Ollama's API Local Brain uses, so tests
 * exercise the real `ollama` client end to end: POST /api/embed, POST /api/chat (NDJSON stream or
 * one JSON body; with a JSON Schema `format`, a schema-valid answer), GET /api/tags, POST /api/show,
 * GET /api/version.
 *
 * Vectors are deterministic: a hashed bag of words, normalised, so equal texts get equal vectors and
 * texts sharing words are closer. `setVector` pins an exact vector for a text. Faults can be switched
 * on and off while requests are in flight.
 *
 * @example
 * const ollama = await FakeOllamaServer.start({ dimensions: 8 });
 * ollama.fail("hang", { times: 1 });
 * // ... point the code under test at ollama.url ...
 * await ollama.close();
 */
/**
 * A fetch that sends what the Ollama client asks of `host` (a name standing for another machine)
 * to the fake server instead: the client, its URLs and the consent checks stay as they are.
 *
 * @example
 * const brain = testBrain({ ollamaFetch: fetchVia(ollama, "http://gpu-box.test:11434") }, { ollamaHost: "http://gpu-box.test:11434" });
 */
export function fetchVia(fake: FakeOllamaServer, host: string): typeof fetch {
  return (input, init) =>
    fetch(String(input instanceof Request ? input.url : input).replace(host, fake.url), init);
}

export class FakeOllamaServer {
  /** Base URL, e.g. `http://127.0.0.1:53121`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  dimensions: number;
  models: string[];
  version = "0.12.6";
  /** Models that refuse a request carrying `think`, as some Ollama versions did. */
  withoutThinking: string[] = [];

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly pinned = new Map<string, number[]>();
  private fault: { kind: FakeFault; times: number; after?: number; path?: string } | null = null;
  private script: ChatScript | null = null;
  private structuredScript: StructuredScript | null = null;
  private turns: TurnScript | null = null;
  private turnCount = 0;

  private constructor(server: http.Server, options: FakeOllamaOptions) {
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.dimensions = options.dimensions ?? 1024;
    this.models = options.models ?? [...DEFAULT_MODELS];
    this.script = options.chat ?? null;
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("request", (req, res) => void this.handle(req, res));
  }

  /** Starts a server on `port` (0, the default, picks a free one). */
  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllamaServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return new FakeOllamaServer(server, options);
  }

  /**
   * Switches a fault on (`null` switches it off). `times` limits it to that many requests; `after`
   * lets a chat stream send that many chunks first (for `drop` and `hang`); `path` limits it to one
   * endpoint, e.g. `/api/chat`.
   */
  fail(kind: FakeFault | null, options: { times?: number; after?: number; path?: string } = {}): void {
    this.fault = kind && { kind, times: options.times ?? Infinity, after: options.after, path: options.path };
  }

  /** Pins the vector returned for exactly this text. Shorter vectors are padded with zeros. */
  setVector(text: string, vector: number[]): void {
    this.pinned.set(text, vector);
  }

  /** The vector the server returns for `text`. */
  vectorFor(text: string): number[] {
    const pinned = this.pinned.get(text);
    if (pinned)
      return [...pinned, ...new Array<number>(Math.max(0, this.dimensions - pinned.length)).fill(0)];
    return bagOfWords(text, this.dimensions);
  }

  /** Scripts the chat answer: a list of chunks, or a function of the request. `null` restores the echo. */
  replyWith(script: ChatScript | null): void {
    this.script = script;
  }

  /**
   * Scripts the answer to chat requests with a JSON Schema `format` (structured tasks): a function
   * of the request returning the value to send as JSON. `null` restores the default, a value built
   * from the schema (`sampleFor`).
   */
  replyStructured(script: StructuredScript | null): void {
    this.structuredScript = script;
  }

  /**
   * Scripts tool-calling turns (`tools`, `message.tool_calls`): each chat request gets the next turn
   * of the list (the last one repeats), or what the function returns for it (`index` counts the
   * requests from 0). `null` restores plain answers.
   *
   * @example
   * ollama.replyTurns([{ calls: [{ name: "search", arguments: { query: "stripe" } }] }, { content: "Stripe [1]." }]);
   */
  replyTurns(script: TurnScript | null): void {
    this.turns = script;
    this.turnCount = 0;
  }

  /** Requests to one path, e.g. `/api/embed`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Stops the server, destroying open connections so hanging requests cannot hold it open. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", this.url).pathname;
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      body: parseJson(raw),
      closedEarly: false,
    };
    this.requests.push(record);
    res.on("close", () => (record.closedEarly = !res.writableFinished));
    const active = this.takeFault(path);
    const fault = active?.kind ?? null;
    if (fault === "hang" && (path !== "/api/chat" || active?.after === undefined)) return;
    if (fault === "500")
      return sendJson(res, 500, { error: "llama runner process has terminated: exit status 2" });
    if (fault === "drop" && path !== "/api/chat" && path !== "/api/embed") return void req.socket.destroy();
    if (fault === "badJson" && path !== "/api/chat")
      return sendRaw(res, 200, '{"model": "oops", "embeddings": [[0.1,');
    this.route(record, res, active);
  }

  private takeFault(path: string): ActiveFault | null {
    const fault = this.fault;
    if (!fault || (fault.path && fault.path !== path)) return null;
    fault.times -= 1;
    if (fault.times <= 0) this.fault = null;
    return { kind: fault.kind, after: fault.after };
  }

  private route(record: RecordedRequest, res: http.ServerResponse, fault: ActiveFault | null): void {
    const body = (record.body ?? {}) as Record<string, unknown>;
    const isPost = record.method === "POST";
    if (record.path === "/api/version") return sendJson(res, 200, { version: this.version });
    if (record.path === "/api/tags") return sendJson(res, 200, { models: this.models.map(describeModel) });
    if (!isPost || !["/api/embed", "/api/chat", "/api/show"].includes(record.path)) {
      return sendRaw(res, 404, "404 page not found", "text/plain");
    }
    const model = String(body.model ?? "");
    if (!this.hasModel(model)) {
      const error =
        record.path === "/api/show"
          ? `model '${model}' not found`
          : `model "${model}" not found, try pulling it first`;
      return sendJson(res, 404, { error });
    }
    if (record.path === "/api/show") return sendJson(res, 200, this.show(model));
    if (record.path === "/api/embed") return this.embed(body, res, fault?.kind ?? null);
    if (body.think !== undefined && this.withoutThinking.some((m) => withTag(m) === withTag(model))) {
      return sendJson(res, 400, { error: `"${model}" does not support thinking` });
    }
    this.chat(body, res, fault);
  }

  private hasModel(model: string): boolean {
    return this.models.some((m) => withTag(m) === withTag(model));
  }

  private embed(body: Record<string, unknown>, res: http.ServerResponse, fault: FakeFault | null): void {
    const input = body.input;
    const texts = Array.isArray(input) ? input.map(String) : [String(input ?? "")];
    let embeddings: (number | null)[][] = texts.map((t) => this.vectorFor(t));
    if (fault === "wrongDimension") embeddings = embeddings.map((v) => v.slice(0, Math.max(1, v.length - 1)));
    if (fault === "nan") embeddings = embeddings.map((v) => [null, ...v.slice(1)]);
    if (fault === "empty") embeddings = embeddings.map(() => []);
    const payload = {
      model: body.model,
      embeddings,
      total_duration: 1000,
      load_duration: 10,
      prompt_eval_count: 1,
    };
    if (fault !== "drop") return sendJson(res, 200, payload);
    const text = JSON.stringify(payload);
    res.writeHead(200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
    });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
  }

  private chat(body: Record<string, unknown>, res: http.ServerResponse, active: ActiveFault | null): void {
    const request = body as unknown as FakeChatRequest;
    const fault = active?.kind ?? null;
    if (this.turns && !request.format) return this.turn(request, res, fault);
    const chunks = fault === "empty" ? [] : this.replyChunks(request, fault);
    const line = (content: string, done: boolean) => ({
      model: request.model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", content },
      done,
      ...(done ? { done_reason: "stop", total_duration: 1000, eval_count: chunks.length } : {}),
    });
    if (fault === "badJson")
      return sendRaw(res, 200, "this is not json\n{still not\n", "application/x-ndjson");
    if (request.stream === false) return sendJson(res, 200, line(chunks.join(""), true));
    res.writeHead(200, { "Content-Type": "application/x-ndjson" });
    res.flushHeaders();
    const broken = fault === "drop" || fault === "hang";
    const sent = broken ? chunks.slice(0, active?.after ?? Math.floor(chunks.length / 2)) : chunks;
    const lines = sent.map((chunk) => JSON.stringify(line(chunk, false)) + "\n").join("");
    if (!broken) return void res.end(lines + JSON.stringify(line("", true)) + "\n");
    // Destroy only once the sent parts are flushed, so the client really gets them first.
    res.write(lines, () => fault === "drop" && res.socket?.destroy());
  }

  /** A scripted tool-calling turn, answered whole (or broken as the fault asks). */
  private turn(request: FakeChatRequest, res: http.ServerResponse, fault: FakeFault | null): void {
    const script = this.turns!;
    const index = this.turnCount++;
    const turn =
      typeof script === "function" ? script(request, index) : script[Math.min(index, script.length - 1)]!;
    if (turn.hang) return;
    if (fault === "badJson")
      return sendRaw(res, 200, '{"message": {"role": "assistant", "tool_calls": [', "application/json");
    const tool_calls = (turn.calls ?? []).map((c) => ({
      function: { name: c.name, arguments: c.arguments },
    }));
    const message = {
      role: "assistant",
      content: turn.content ?? "",
      ...(tool_calls.length ? { tool_calls } : {}),
    };
    const done = { done: true, done_reason: "stop", total_duration: 1000, eval_count: 1 };
    sendJson(res, 200, { model: request.model, created_at: new Date().toISOString(), message, ...done });
  }

  private replyChunks(request: FakeChatRequest, fault: FakeFault | null): string[] {
    if (request.format && typeof request.format === "object") return [this.structuredReply(request, fault)];
    const script = this.script;
    const reply = typeof script === "function" ? script(request) : script;
    if (reply === null) {
      const last = [...(request.messages ?? [])].reverse().find((m) => m.role === "user");
      return `You said: ${last?.content ?? ""}`.split(/(?<= )/);
    }
    return typeof reply === "string" ? [reply] : reply;
  }

  /** The content of a structured answer: scripted or sampled, or broken as the fault asks. */
  private structuredReply(request: FakeChatRequest, fault: FakeFault | null): string {
    if (fault === "invalidJson") return '{"kind": "note", "tags": [';
    if (fault === "schemaViolation")
      return JSON.stringify({ unexpected: "a field the schema does not have" });
    const schema = request.format as JsonSchema;
    return JSON.stringify(this.structuredScript ? this.structuredScript(request) : sampleFor(schema));
  }

  private show(model: string): Record<string, unknown> {
    const embedding = /embed/.test(model);
    return {
      modelfile: `FROM ${model}`,
      parameters: "",
      template: "{{ .Prompt }}",
      details: describeModel(model).details,
      model_info: embedding
        ? {
            "general.architecture": "bert",
            "bert.embedding_length": this.dimensions,
            "bert.context_length": 512,
          }
        : { "general.architecture": "qwen3", "qwen3.context_length": 40960 },
      capabilities: embedding ? ["embedding"] : ["completion", "thinking"],
      modified_at: MODIFIED_AT,
    };
  }
}

interface ActiveFault {
  kind: FakeFault;
  after?: number;
}

/**
 * `invalidJson` and `schemaViolation` apply to structured (`format`) chat requests: the reply is
 * well-formed Ollama JSON whose message content is not JSON, or JSON that breaks the schema.
 */
export type FakeFault =
  | "500"
  | "hang"
  | "badJson"
  | "wrongDimension"
  | "nan"
  | "empty"
  | "drop"
  | "invalidJson"
  | "schemaViolation";

export interface FakeOllamaOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Length of the vectors /api/embed returns (default 1024, like mxbai-embed-large). */
  dimensions?: number;
  /** Models the server has "pulled"; others get Ollama's 404. */
  models?: string[];
  chat?: ChatScript;
}

export interface FakeChatRequest {
  model: string;
  messages?: {
    role: string;
    content: string;
    tool_name?: string;
    tool_calls?: { function: { name: string; arguments: unknown } }[];
  }[];
  /** The tools offered (tool calling). */
  tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
  stream?: boolean;
  think?: boolean;
  options?: Record<string, unknown>;
  /** A JSON Schema (structured tasks) or "json". */
  format?: unknown;
}

/** The value a structured request is answered with. */
export type StructuredScript = (request: FakeChatRequest) => unknown;

/** One scripted model turn: text, and the tools it calls. */
export interface FakeTurn {
  content?: string;
  calls?: { name: string; arguments: unknown }[];
  /** Never answered: the request hangs until the client gives up. */
  hang?: boolean;
}

export type TurnScript = FakeTurn[] | ((request: FakeChatRequest, index: number) => FakeTurn);

export type ChatScript = string[] | string | ((request: FakeChatRequest) => string[] | string);

export interface RecordedRequest {
  method: string;
  path: string;
  /** The parsed JSON body, or the raw text when it was not JSON, or null when empty. */
  body: unknown;
  /** True when the connection closed before the response was complete (a client abort, a drop). */
  closedEarly: boolean;
}

export const DEFAULT_MODELS = ["mxbai-embed-large:latest", "qwen3:4b"];
const MODIFIED_AT = "2025-01-01T00:00:00Z";

/** A hashed bag of words, L2-normalised: texts sharing words share dimensions. */
export function bagOfWords(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function withTag(model: string): string {
  return model.includes(":") ? model : `${model}:latest`;
}

function describeModel(name: string) {
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: 669_000_000,
    digest: fnv1a(name).toString(16).padStart(64, "0"),
    details: {
      parent_model: "",
      format: "gguf",
      family: /embed/.test(name) ? "bert" : "qwen3",
      families: [/embed/.test(name) ? "bert" : "qwen3"],
      parameter_size: /embed/.test(name) ? "334M" : "4.0B",
      quantization_level: /embed/.test(name) ? "F16" : "Q4_K_M",
    },
  };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(raw: string): unknown {
  if (raw === "") return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, JSON.stringify(body), "application/json; charset=utf-8");
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  text: string,
  type = "application/json; charset=utf-8",
) {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
