import { PassThrough, Transform, type Readable, type TransformCallback, type Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { MAX_ENTRY_BYTES } from "../core/store/index.ts";
import { rewordParamsError, screenLine } from "./protocol.ts";

/**
 * The largest JSON-RPC line the server reads: room for a 10 MB entry even when JSON escaping
 * doubles it. The SDK's own stdio transport stops reading for good past 10 MB, which would end the
 * server on one oversized call; this guard answers such a call with an error and reads on.
 */
export const MAX_LINE_BYTES = 3 * MAX_ENTRY_BYTES;

/** What the guard remembers of a dropped line: enough to find the request's id and method. */
export interface OversizedLine {
  bytes: number;
  head: string;
  tail: string;
}

const KEEP = 512;

/**
 * Splits stdin into lines and passes on whole lines only, one chunk per line. A line over `maxBytes`
 * is dropped as it streams in (memory stays bounded) and reported through `onOversized`.
 */
export class LineGuard extends Transform {
  private readonly maxBytes: number;
  private readonly onOversized: (line: OversizedLine) => void;
  private pending: Buffer[] = [];
  private size = 0;
  private dropping: { head: Buffer; tail: Buffer } | null = null;

  constructor(maxBytes: number, onOversized: (line: OversizedLine) => void) {
    super({ readableObjectMode: true });
    this.maxBytes = maxBytes;
    this.onOversized = onOversized;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    let buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      this.collect(buf.subarray(0, nl));
      this.endLine();
      buf = buf.subarray(nl + 1);
    }
    if (buf.length) this.collect(buf);
    done();
  }

  private collect(part: Buffer): void {
    this.size += part.length;
    if (this.dropping) {
      this.dropping.tail = Buffer.concat([this.dropping.tail, part]).subarray(-KEEP);
      return;
    }
    this.pending.push(part);
    if (this.size <= this.maxBytes) return;
    const all = Buffer.concat(this.pending);
    this.dropping = { head: Buffer.from(all.subarray(0, KEEP)), tail: Buffer.from(all.subarray(-KEEP)) };
    this.pending = [];
  }

  private endLine(): void {
    if (this.dropping) {
      const { head, tail } = this.dropping;
      this.onOversized({ bytes: this.size, head: head.toString("utf8"), tail: tail.toString("utf8") });
    } else {
      this.push(Buffer.concat([...this.pending, Buffer.from("\n")]));
    }
    this.pending = [];
    this.size = 0;
    this.dropping = null;
  }
}

/** The JSON-RPC id of a request seen only by its first and last bytes, if it can be read. */
export function requestIdOf(line: OversizedLine): string | number | undefined {
  const id =
    /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/.exec(line.tail)?.[1] ??
    /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/.exec(line.head)?.[1];
  if (id === undefined) return undefined;
  return id.startsWith('"') ? (JSON.parse(id) as string) : Number(id);
}

/** Rewrites an outgoing message, e.g. to reword the SDK's input validation errors. */
export type OutgoingFilter = (message: JSONRPCMessage) => JSONRPCMessage;

/**
 * The stdio transport the server runs on. Lines come through a {@link LineGuard} and are screened
 * here ({@link screenLine}: batches, params that are not an object, requests before `initialize`,
 * each answered with an error); the SDK's StdioServerTransport writes. Outgoing messages pass
 * {@link rewordParamsError} and an optional filter. Closes when stdin ends, so the process can exit.
 *
 * @example
 * await server.connect(new GuardedStdioTransport(process.stdin, process.stdout));
 */
export class GuardedStdioTransport implements Transport {
  private readonly inner: StdioServerTransport;
  private readonly guard: LineGuard;
  private readonly stdin: Readable;
  private readonly filter: OutgoingFilter;
  private closed = false;
  private initialized = false;

  constructor(
    stdin: Readable,
    stdout: Writable,
    options: { filter?: OutgoingFilter; maxLineBytes?: number } = {},
  ) {
    const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.stdin = stdin;
    this.filter = options.filter ?? ((m) => m);
    this.guard = new LineGuard(maxLineBytes, (line) => void this.refuse(line, maxLineBytes));
    // The SDK's transport only writes: lines are read and parsed once, here.
    this.inner = new StdioServerTransport(new PassThrough(), stdout);
  }

  set onclose(fn: (() => void) | undefined) {
    this.inner.onclose = fn;
  }
  get onclose(): (() => void) | undefined {
    return this.inner.onclose;
  }
  set onerror(fn: ((error: Error) => void) | undefined) {
    this.inner.onerror = fn;
  }
  get onerror(): ((error: Error) => void) | undefined {
    return this.inner.onerror;
  }
  set onmessage(fn: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined) {
    this.inner.onmessage = fn;
  }
  get onmessage(): (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined {
    return this.inner.onmessage;
  }

  async start(): Promise<void> {
    this.guard.on("data", (line: Buffer) => this.receive(line.toString("utf8").replace(/\r?\n$/, "")));
    this.stdin.pipe(this.guard);
    this.stdin.once("end", () => void this.close());
    this.stdin.once("close", () => void this.close());
    await this.inner.start();
  }

  send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    let out = message;
    try {
      out = this.filter(rewordParamsError(message));
    } catch (err) {
      // A rewording that fails must not cost the client its answer: send the message as it was.
      this.inner.onerror?.(err instanceof Error ? err : new Error(String(err)));
    }
    return this.inner.send(out);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.unpipe(this.guard);
    await this.inner.close();
  }

  /** One whole line from the client: handed to the server, answered here, or logged. */
  private receive(line: string): void {
    if (!line.trim()) return;
    const screened = screenLine(line, this.initialized);
    if ("pass" in screened) {
      const message = screened.pass;
      if ("method" in message && message.method === "initialize") this.initialized = true;
      this.inner.onmessage?.(message);
    } else if ("answer" in screened) {
      for (const reply of screened.answer) void this.inner.send(reply);
    } else {
      this.inner.onerror?.(new Error(screened.log));
    }
  }

  /** Answers a request too large to read: a tool error for a tool call, else a JSON-RPC error. */
  private async refuse(line: OversizedLine, maxLineBytes: number): Promise<void> {
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    const text =
      `The request is ${mb(line.bytes)}, over the ${mb(maxLineBytes)} this server reads, so nothing was done. ` +
      `Send less at once: an entry holds at most ${mb(MAX_ENTRY_BYTES)}, so split long text into several memories.`;
    const id = requestIdOf(line);
    if (id === undefined) {
      this.inner.onerror?.(new Error(`Dropped a ${mb(line.bytes)} message without a readable id.`));
      return;
    }
    const toolCall = /"method"\s*:\s*"tools\/call"/.test(line.head + line.tail);
    await this.inner.send(
      toolCall
        ? { jsonrpc: "2.0", id, result: { content: [{ type: "text", text }], isError: true } }
        : { jsonrpc: "2.0", id, error: { code: -32600, message: text } },
    );
  }
}
