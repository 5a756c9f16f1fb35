import { BrainError, isBrainError, toBrainError, type RequestOptions } from "../base/index.ts";
import type { Destination, EgressClass } from "../privacy/index.ts";
import { validateJson, type JsonSchema } from "./json-schema.ts";

/**
 * The structured-task port: "give me JSON matching this schema for this input". Classification,
 * tagging, titles and digests go through it to the fastest on-device model (Apple Foundation
 * Models through its helper, else Ollama with a JSON Schema `format`). Every answer is parsed and
 * checked against the schema here, whatever produced it; a bad answer is asked for once more, then
 * reported as `structured_invalid`.
 */

export interface StructuredRequest {
  /** What the task is, for messages: `enrich`, `digest`. */
  task: string;
  /** The fixed instructions (a system prompt). Memory text never goes here. */
  instructions: string;
  /** The data to work on, memory text included. */
  input: string;
  schema: JsonSchema;
}

export interface StructuredModel {
  /** Which route answers: the Apple Foundation Models helper or Ollama. */
  readonly provider: "apple-fm" | "ollama";
  /** The model's name, e.g. `qwen3:4b`, or `apple-fm` for the system model. */
  readonly model: string;
  /** A JSON value that matches `request.schema`. */
  generate(request: StructuredRequest, options?: RequestOptions): Promise<unknown>;
}

/**
 * One raw answer: the text the model produced, expected to be JSON. An adapter that sends the
 * request again by itself calls `onResend` first.
 */
export type StructuredAttempt = (
  request: StructuredRequest,
  signal?: AbortSignal,
  onResend?: () => void,
) => Promise<string>;

export interface StructuredModelInfo {
  provider: StructuredModel["provider"];
  model: string;
  /** The next step when the model keeps answering badly. */
  invalidHint: string;
}

/**
 * Wraps an adapter's raw attempt into a StructuredModel: the reply is parsed and validated, and a
 * reply that is not JSON or breaks the schema is asked for once more before `structured_invalid`.
 *
 * @example
 * const model = validatedModel({ provider: "ollama", model: "qwen3:4b", invalidHint }, attempt);
 * const value = await model.generate({ task: "enrich", instructions, input, schema });
 */
export function validatedModel(info: StructuredModelInfo, attempt: StructuredAttempt): StructuredModel {
  return {
    provider: info.provider,
    model: info.model,
    async generate(request, options = {}) {
      let problem = "";
      for (let round = 1; round <= 2; round++) {
        // The second round sends the memory text again: the caller records it as a request of its own.
        if (round > 1) options.onResend?.();
        const reply = await attempt(request, options.signal, options.onResend);
        const checked = checkReply(reply, request.schema);
        if (checked.ok) return checked.value;
        problem = checked.problem;
      }
      throw new BrainError(
        "structured_invalid",
        `${describeModel(info)} twice answered the ${request.task} request with ${problem}.`,
        { hint: info.invalidHint },
      );
    },
  };
}

type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Parses a model's reply and checks it against the schema. A leading `<think>…</think>` block is
 * ignored; anything else around the JSON makes it invalid.
 *
 * @example
 * checkReply('{"kind":"fact"}', schema) // { ok: true, value: { kind: "fact" } }
 */
export function checkReply(reply: string, schema: JsonSchema): Checked {
  const text = reply.replace(/^\s*<think>[\s\S]*?<\/think>/, "").trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    return { ok: false, problem: `text that is not JSON (${JSON.stringify(shown)})` };
  }
  const violations = validateJson(schema, value);
  if (violations.length === 0) return { ok: true, value };
  const first = violations[0]!;
  return { ok: false, problem: `JSON that breaks the schema (${first.path} ${first.problem})` };
}

/** How a model is named in messages: "Ollama qwen3:4b", "Apple Foundation Models". */
export function describeModel(model: { provider: StructuredModel["provider"]; model: string }): string {
  return model.provider === "apple-fm" ? "Apple Foundation Models" : `Ollama ${model.model}`;
}

/** True for a failure worth trying again later (model down or busy), not a bad answer or a cancel. */
export function isTransient(err: unknown): boolean {
  return !isBrainError(err, "structured_invalid") && !isBrainError(err, "cancelled");
}

/** The structured model a task uses, and why it was chosen (structured-route.ts at the core's root). */
export interface StructuredRoute {
  model: StructuredModel;
  /** Why this model answers, for `brain doctor` and `brain enrich`. */
  reason: string;
  /**
   * Where memory text given to the model goes, for the privacy gate: `local` for Apple FM and a
   * loopback Ollama, `remote` for an Ollama host the person allowed. Throws `remote_host_not_allowed`
   * for a host that was not allowed: then nothing may be sent.
   */
  destination(): Destination;
}

/** Where a route's memory text goes, and the words that say so (empty on this machine). */
export interface RouteReach {
  class: EgressClass | "refused";
  note: string;
  /** The next step, when refused. */
  fix?: string;
}

/**
 * Where a route sends memory text, for `brain enrich` and `brain doctor`.
 *
 * @example
 * routeReach(route) // { class: "remote", note: "on another machine you allowed: …" }
 */
export function routeReach(route: StructuredRoute): RouteReach {
  try {
    const where = route.destination();
    if (where.class === "local") return { class: "local", note: "" };
    return {
      class: where.class,
      note: `on another machine you allowed (${where.name}): #private memories are withheld and every request is in brain ledger.`,
    };
  } catch (err) {
    const error = toBrainError(err);
    return { class: "refused", note: error.message, fix: error.hint };
  }
}
