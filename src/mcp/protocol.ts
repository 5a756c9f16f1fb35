import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * The JSON-RPC edges the SDK leaves unanswered or answers with a raw validation dump: every request
 * that carries an id gets exactly one response, with one sentence saying what was wrong.
 */

type Id = string | number;

/** JSON-RPC 2.0's error codes. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

/** What to do with one incoming line: hand a message to the server, answer it here, or only log. */
export type Screened = { pass: JSONRPCMessage } | { answer: JSONRPCMessage[] } | { log: string };

/** Requests the MCP lifecycle allows before `initialize` has been answered. */
const BEFORE_INITIALIZE = new Set(["initialize", "ping"]);

/**
 * Decides about one incoming line. `initialized` says whether `initialize` has been received: before
 * it, the specification lets a client send only `ping`, so other requests are refused.
 *
 * @example
 * screenLine('[{"jsonrpc":"2.0","id":1,"method":"ping"}]', true) // { answer: [error for id 1] }
 */
export function screenLine(line: string, initialized: boolean): Screened {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { answer: [error(null, PARSE_ERROR, "The message is not valid JSON, so it was not read.")] };
  }
  if (Array.isArray(raw)) return { answer: refuseBatch(raw) };
  const parsed = JSONRPCMessageSchema.safeParse(raw);
  const id = idOf(raw);
  if (!parsed.success) {
    if (id === undefined) return { log: `dropped a message that is not JSON-RPC: ${line.slice(0, 200)}` };
    return { answer: [error(id, ...whyInvalid(raw as Record<string, unknown>, parsed.error.issues))] };
  }
  const method = (raw as { method?: unknown }).method;
  if (!initialized && typeof method === "string" && !BEFORE_INITIALIZE.has(method)) {
    if (id === undefined) return { log: `dropped ${method} sent before initialize` };
    const text = `The session is not initialized: send initialize first, then ${method}.`;
    return { answer: [error(id, INVALID_REQUEST, text)] };
  }
  return { pass: parsed.data };
}

/** MCP (since 2025-06-18) has no JSON-RPC batches: each request in one is answered with an error. */
function refuseBatch(items: unknown[]): JSONRPCMessage[] {
  const text = "Batches are not supported: send each request as its own message.";
  const ids = items.map(idOf).filter((id): id is Id => id !== undefined);
  return ids.length
    ? ids.map((id) => error(id, INVALID_REQUEST, text))
    : [error(null, INVALID_REQUEST, text)];
}

function whyInvalid(raw: Record<string, unknown>, issues: readonly Issue[]): [number, string] {
  if (typeof raw.method !== "string") {
    return [INVALID_REQUEST, "The request has no method: give one such as tools/list."];
  }
  if (
    "params" in raw &&
    (typeof raw.params !== "object" || raw.params === null || Array.isArray(raw.params))
  ) {
    return [INVALID_PARAMS, `The params of ${raw.method} must be an object, not ${kindOf(raw.params)}.`];
  }
  return [INVALID_REQUEST, `The ${raw.method} request is not valid JSON-RPC: ${describeIssues(issues)}.`];
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/**
 * Zod's issues as one clause: "`params.name` is missing (it must be a string)".
 *
 * @example
 * describeIssues([{ path: ["params", "name"], message: "Invalid input: expected string, received undefined" }])
 */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length ? `\`${issue.path.map(String).join(".")}\`` : "the message";
      const types = /expected (\w+), received (\w+)/.exec(issue.message);
      if (!types) return `${where}: ${issue.message.replace(/^Invalid input: /, "")}`;
      const [, expected = "", received = ""] = types;
      return received === "undefined"
        ? `${where} is missing (it must be ${article(expected)})`
        : `${where} must be ${article(expected)}, not ${article(received)}`;
    })
    .join("; ");
}

/**
 * The SDK answers a request whose params fail its schema (`tools/call` without params, or without a
 * tool name) with -32603 and the validation issues as JSON text. That is the client's mistake:
 * -32602 with one sentence.
 */
export function rewordParamsError(message: JSONRPCMessage): JSONRPCMessage {
  if (!("error" in message) || message.error.code !== -32603) return message;
  let issues: unknown;
  try {
    issues = JSON.parse(message.error.message);
  } catch {
    return message;
  }
  if (!Array.isArray(issues) || !issues.every(isIssue)) return message;
  const text = `Invalid params: ${describeIssues(issues)}.`;
  return { ...message, error: { code: INVALID_PARAMS, message: text } };
}

function isIssue(value: unknown): value is Issue {
  const v = value as Partial<Issue> | null;
  return typeof v === "object" && v !== null && Array.isArray(v.path) && typeof v.message === "string";
}

function idOf(raw: unknown): Id | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : undefined;
}

function error(id: Id | null, code: number, message: string): JSONRPCMessage {
  // A JSON-RPC error whose request could not be read carries id null; the SDK's type has no room for it.
  return { jsonrpc: "2.0", id, error: { code, message } } as JSONRPCMessage;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return article(typeof value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
