import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAppleFmStructured, probeAppleFm } from "../src/core/adapters/apple-fm.ts";
import { createOllamaStructured } from "../src/core/adapters/ollama-structured.ts";
import { validateJson, type JsonSchema } from "../src/core/enrich/json-schema.ts";
import { chooseStructuredModel, structuredCheck } from "../src/core/structured-route.ts";
import { checkReply, type StructuredRequest } from "../src/core/enrich/structured.ts";
import { installFakeAppleFm } from "./support/fake-apple-fm.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { failure } from "./support/errors.ts";
import { closedPort } from "./support/net.ts";
import { tempDir, testConfig } from "./support/tmp.ts";

const SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    kind: { type: "string", enum: ["note", "fact"] },
    tags: { type: "array", items: { type: "string", maxLength: 10 }, maxItems: 2 },
    title: { type: ["string", "null"] },
    count: { type: "integer", minimum: 0 },
  },
  required: ["kind", "tags"],
  additionalProperties: false,
};

const REQUEST: StructuredRequest = {
  task: "enrich",
  instructions: "Label the memory.",
  input: "<memory>we chose Stripe</memory>",
  schema: SCHEMA,
};

describe("validateJson", () => {
  it("accepts a value that matches, null where the type allows it", () => {
    expect(validateJson(SCHEMA, { kind: "fact", tags: ["a"], title: null, count: 2 })).toEqual([]);
  });

  it("names every violation with its path", () => {
    const value = { kind: "idea", tags: ["a", "b", "c", "much-too-long-tag"], count: 1.5, extra: 1 };
    expect(validateJson(SCHEMA, value)).toEqual([
      { path: "$.kind", problem: 'is not one of "note", "fact"' },
      { path: "$.tags", problem: "has more than 2 items" },
      { path: "$.tags[3]", problem: "is longer than 10 characters" },
      { path: "$.count", problem: "is a fractional number, not an integer" },
      { path: "$", problem: 'has unknown "extra"' },
    ]);
    expect(validateJson(SCHEMA, { tags: [] })).toEqual([{ path: "$", problem: 'lacks "kind"' }]);
    expect(validateJson(SCHEMA, [])).toEqual([{ path: "$", problem: "is an array, not an object" }]);
  });

  it("checkReply ignores a leading thinking block and refuses text around the JSON", () => {
    expect(checkReply('<think>hm</think> {"kind":"note","tags":[]}', SCHEMA)).toEqual({
      ok: true,
      value: { kind: "note", tags: [] },
    });
    expect(checkReply('Sure! {"kind":"note","tags":[]}', SCHEMA)).toEqual({
      ok: false,
      problem: 'text that is not JSON ("Sure! {\\"kind\\":\\"note\\",\\"tags\\":[]}")',
    });
  });
});

describe("createOllamaStructured", () => {
  let ollama: FakeOllamaServer;
  beforeEach(async () => {
    ollama = await FakeOllamaServer.start({ dimensions: 8 });
  });
  afterEach(async () => {
    await ollama.close();
  });
  const model = () => createOllamaStructured({ host: ollama.url, model: "qwen3:4b" });

  it("sends the schema as `format` in one unstreamed /api/chat request and returns the checked value", async () => {
    ollama.replyStructured(() => ({ kind: "fact", tags: ["billing"] }));
    expect(await model().generate(REQUEST)).toEqual({ kind: "fact", tags: ["billing"] });
    const [request] = ollama.requestsTo("/api/chat");
    expect(request!.body).toMatchObject({
      model: "qwen3:4b",
      stream: false,
      think: false,
      format: SCHEMA,
      options: { temperature: 0 },
      messages: [
        { role: "system", content: "Label the memory." },
        { role: "user", content: "<memory>we chose Stripe</memory>" },
      ],
    });
  });

  it("asks once more after an answer that is not JSON, and uses the second", async () => {
    ollama.fail("invalidJson", { times: 1, path: "/api/chat" });
    expect(await model().generate(REQUEST)).toEqual({
      kind: "note",
      tags: ["sample"],
      title: "sample",
      count: 0,
    });
    expect(ollama.requestsTo("/api/chat")).toHaveLength(2);
  });

  it("reports structured_invalid with a hint after two answers that break the schema", async () => {
    ollama.fail("schemaViolation", { path: "/api/chat" });
    const error = await failure(model().generate(REQUEST));
    expect(error.code).toBe("structured_invalid");
    expect(error.message).toBe(
      'Ollama qwen3:4b twice answered the enrich request with JSON that breaks the schema ($ lacks "kind").',
    );
    expect(error.hint).toContain("update Ollama");
    expect(ollama.requestsTo("/api/chat")).toHaveLength(2);
  });

  it("reports invalid JSON twice the same way", async () => {
    ollama.fail("invalidJson", { path: "/api/chat" });
    const error = await failure(model().generate(REQUEST));
    expect(error.code).toBe("structured_invalid");
    expect(error.message).toContain("with text that is not JSON");
  });

  it("turns Ollama being down into ollama_unreachable, without a retry", async () => {
    const down = createOllamaStructured({
      host: `http://127.0.0.1:${await closedPort()}`,
      model: "qwen3:4b",
    });
    const error = await failure(down.generate(REQUEST));
    expect(error.code).toBe("ollama_unreachable");
  });
});

describe("Apple Foundation Models helper", () => {
  it("sends the protocol's request on stdin and returns the helper's output", async () => {
    const helper = installFakeAppleFm(tempDir(), "ok", { kind: "fact", tags: ["x"] });
    const model = createAppleFmStructured({ helperPath: helper.path });
    expect(await model.generate(REQUEST)).toEqual({ kind: "fact", tags: ["x"] });
    expect(helper.requests()).toEqual([
      {
        version: 1,
        op: "generate",
        instructions: REQUEST.instructions,
        input: REQUEST.input,
        schema: SCHEMA,
      },
    ]);
    expect(model.provider).toBe("apple-fm");
  });

  it("asks twice, then reports structured_invalid, when the helper writes text that is not JSON", async () => {
    const helper = installFakeAppleFm(tempDir(), "badJson");
    const error = await failure(createAppleFmStructured({ helperPath: helper.path }).generate(REQUEST));
    expect(error.code).toBe("structured_invalid");
    expect(error.message).toBe(
      'Apple Foundation Models twice answered the enrich request with text that is not JSON ("Generation failed: {not json").',
    );
    expect(helper.requests()).toHaveLength(2);
  });

  it("refuses output that breaks the schema", async () => {
    const helper = installFakeAppleFm(tempDir(), "schemaViolation");
    const error = await failure(createAppleFmStructured({ helperPath: helper.path }).generate(REQUEST));
    expect(error.code).toBe("structured_invalid");
    expect(error.message).toBe(
      'Apple Foundation Models twice answered the enrich request with JSON that breaks the schema ($ lacks "kind").',
    );
  });

  it("kills a helper that does not answer in time", async () => {
    const helper = installFakeAppleFm(tempDir(), "hang");
    const error = await failure(
      createAppleFmStructured({ helperPath: helper.path, timeoutMs: 1500 }).generate(REQUEST),
    );
    expect(error.code).toBe("structured_unavailable");
    expect(error.message).toBe("The Apple Foundation Models helper did not answer within 1.5 s.");
  });

  it("reports a model that is not ready as structured_unavailable with the fix", async () => {
    const helper = installFakeAppleFm(tempDir(), "unavailable");
    const error = await failure(createAppleFmStructured({ helperPath: helper.path }).generate(REQUEST));
    expect(error.code).toBe("structured_unavailable");
    expect(error.message).toBe("Apple Foundation Models is unavailable: appleIntelligenceNotEnabled.");
    expect(error.hint).toContain("Turn on Apple Intelligence");
    expect(await probeAppleFm(helper.path)).toEqual({
      available: false,
      reason: "appleIntelligenceNotEnabled",
    });
  });
});

describe("chooseStructuredModel", () => {
  it("picks Apple FM when its helper is installed and ready", async () => {
    const helper = installFakeAppleFm(tempDir(), "ok");
    const route = await chooseStructuredModel(testConfig({ appleFmHelper: helper.path }));
    expect(route.model.provider).toBe("apple-fm");
    expect(route.reason).toBe(`its helper at ${helper.path} reports it ready`);
  });

  it("falls back to Ollama's structured model when the helper says the model is unavailable", async () => {
    const helper = installFakeAppleFm(tempDir(), "unavailable");
    const config = testConfig({ appleFmHelper: helper.path, structuredModel: "llama3.2:3b" });
    const route = await chooseStructuredModel(config);
    expect([route.model.provider, route.model.model]).toEqual(["ollama", "llama3.2:3b"]);
    expect(route.reason).toBe("Apple Foundation Models is unavailable: appleIntelligenceNotEnabled");
  });

  it("falls back to Ollama's chat model when the helper is missing, and doctor says so", async () => {
    const config = testConfig({ appleFmHelper: "/nonexistent/local-brain-fm" });
    const route = await chooseStructuredModel(config);
    expect([route.model.provider, route.model.model]).toEqual(["ollama", "qwen3:4b"]);
    expect(route.destination()).toEqual({ class: "local", road: "ollama", name: "127.0.0.1:9" });
    expect(structuredCheck(route)).toEqual({
      name: "structured tasks",
      status: "ok",
      detail:
        "Ollama qwen3:4b (the Apple Foundation Models helper is not installed (/nonexistent/local-brain-fm))",
    });
  });

  it("warns in doctor when the Ollama host is not this machine and was not allowed", async () => {
    const route = await chooseStructuredModel(
      testConfig({ appleFmHelper: null, ollamaHost: "http://10.1.2.3:11434" }),
    );
    expect(() => route.destination()).toThrow(/not on this machine/);
    const check = structuredCheck(route);
    expect(check).toMatchObject({ status: "warn" });
    expect(check.detail).toBe(
      "Ollama qwen3:4b (no Apple Foundation Models helper is configured); Ollama at http://10.1.2.3:11434 is not on this machine, so nothing was sent there.",
    );
    expect(check.fix).toContain("brain cloud allow-host 10.1.2.3:11434");
  });

  it("says in doctor where memory text goes when the host was allowed", async () => {
    const route = await chooseStructuredModel(testConfig({ appleFmHelper: null }), {
      ollamaDestination: () => ({ class: "remote", road: "remote-ollama", name: "gpu-box:11434" }),
    });
    expect(structuredCheck(route)).toEqual({
      name: "structured tasks",
      status: "ok",
      detail:
        "Ollama qwen3:4b (no Apple Foundation Models helper is configured); on another machine you allowed (gpu-box:11434): #private memories are withheld and every request is in brain ledger.",
    });
  });

  it("sends Apple FM's memory text nowhere but this machine", async () => {
    const helper = installFakeAppleFm(tempDir(), "ok");
    const route = await chooseStructuredModel(testConfig({ appleFmHelper: helper.path }));
    expect(route.destination()).toEqual({
      class: "local",
      road: "apple-fm",
      name: "Apple Foundation Models",
    });
  });
});
