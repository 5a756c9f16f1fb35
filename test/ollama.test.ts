import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkOllama } from "../src/core/adapters/ollama.ts";
import { createOllamaChat } from "../src/core/adapters/ollama-chat.ts";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { BrainError } from "../src/core/base/errors.ts";
import { bagOfWords, FakeOllamaServer } from "./support/fake-ollama.ts";

let ollama: FakeOllamaServer;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 16 });
});

afterEach(async () => {
  await ollama.close();
});

/** The BrainError a promise rejects with; fails the test when it resolves or throws something else. */
async function rejection(promise: Promise<unknown>): Promise<BrainError> {
  const outcome = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(BrainError);
  return outcome as BrainError;
}

/** Drains a chat stream into `tokens`, returning the error it ended with, if any. */
async function drain(
  stream: AsyncIterable<string>,
  tokens: string[],
  onToken?: () => void,
): Promise<unknown> {
  try {
    for await (const token of stream) {
      tokens.push(token);
      onToken?.();
    }
    return null;
  } catch (err) {
    return err;
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

function embedder(
  options: { dimensions?: number; batchSize?: number; timeoutMs?: number; model?: string } = {},
) {
  return createOllamaEmbedder({ host: ollama.url, model: "mxbai-embed-large", ...options });
}

describe("createOllamaEmbedder", () => {
  it("embeds in batches, one /api/embed call per batch, keeping input order", async () => {
    const texts = ["alpha one", "beta two", "gamma three", "delta four", "epsilon five"];
    const vectors = await embedder({ dimensions: 16, batchSize: 2 }).embed(texts);

    expect(ollama.requestsTo("/api/embed").map((r) => (r.body as { input: string[] }).input)).toEqual([
      ["alpha one", "beta two"],
      ["gamma three", "delta four"],
      ["epsilon five"],
    ]);
    expect(vectors).toHaveLength(5);
    vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Array.from(vector)).toEqual(Array.from(Float32Array.from(bagOfWords(texts[i]!, 16))));
    });
  });

  it("sends nothing for no texts and learns the dimension from the first answer", async () => {
    const model = embedder();
    expect(await model.embed([])).toEqual([]);
    expect(ollama.requests).toHaveLength(0);
    expect(model.dimensions).toBeUndefined();
    await model.embed(["hello"]);
    expect(model.dimensions).toBe(16);
  });

  it("returns pinned vectors, so tests can say which texts mean the same", async () => {
    ollama.setVector("how does AI remember things", [0.9, 0.1, 0.1]);
    ollama.setVector("persistent memory in AI systems", [0.8, 0.2, 0.1]);
    ollama.setVector("banana bread recipe", [0, 0.1, 0.9]);
    const [question, memory, recipe] = await embedder({ dimensions: 16 }).embed([
      "how does AI remember things",
      "persistent memory in AI systems",
      "banana bread recipe",
    ]);
    expect(cosine(question!, memory!)).toBeGreaterThan(0.9);
    expect(cosine(question!, recipe!)).toBeLessThan(0.3);
  });

  it("rejects vectors of a different length than configured", async () => {
    const err = await rejection(embedder({ dimensions: 1024 }).embed(["hello"]));
    expect(err.code).toBe("embedding_invalid");
    expect(err.message).toContain("16 numbers");
    expect(err.message).toContain("1024");
    expect(err.hint).toMatch(/dimensions/);
  });

  it.each([
    ["wrongDimension", /15 numbers.*should give 16/],
    ["nan", /non-number/],
    ["empty", /empty vector/],
  ] as const)("never returns a bad vector (%s)", async (fault, message) => {
    ollama.fail(fault);
    const err = await rejection(embedder({ dimensions: 16 }).embed(["one", "two"]));
    expect(err.code).toBe("embedding_invalid");
    expect(err.message).toMatch(message);
  });

  it("notices a vector whose length changes between batches when no dimension is configured", async () => {
    const model = embedder({ batchSize: 1 });
    ollama.dimensions = 16;
    await model.embed(["first"]);
    ollama.dimensions = 8;
    const err = await rejection(model.embed(["second"]));
    expect(err.code).toBe("embedding_invalid");
    expect(err.message).toContain("should give 16");
  });

  it("says Ollama is not running, naming the URL tried, when nothing listens", async () => {
    const down = await FakeOllamaServer.start();
    const url = down.url;
    await down.close();
    const err = await rejection(createOllamaEmbedder({ host: url, model: "mxbai-embed-large" }).embed(["x"]));
    expect(err.code).toBe("ollama_unreachable");
    expect(err.message).toContain(url);
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.hint).toBe("Start Ollama: `ollama serve`.");
    expect(err.cause).toBeDefined();
  });

  it("gives up on a hanging Ollama after the timeout", async () => {
    ollama.fail("hang");
    const err = await rejection(embedder({ timeoutMs: 200 }).embed(["x"]));
    expect(err.code).toBe("ollama_timeout");
    expect(err.message).toContain(ollama.url);
    expect(err.message).toContain("200 ms");
    expect(err.hint).toMatch(/try again/i);
  });

  it("reports a server error with what Ollama said", async () => {
    ollama.fail("500");
    const err = await rejection(embedder().embed(["x"]));
    expect(err.code).toBe("ollama_bad_response");
    expect(err.message).toContain("HTTP 500");
    expect(err.message).toContain("llama runner process has terminated");
    expect(err.hint).toMatch(/restart Ollama/);
  });

  it("reports a reply that is not JSON", async () => {
    ollama.fail("badJson");
    const err = await rejection(embedder().embed(["x"]));
    expect(err.code).toBe("ollama_bad_response");
    expect(err.message).toContain("not valid JSON");
    expect(err.message).toContain("/api/embed");
  });

  it("reports a connection dropped halfway through the reply", async () => {
    ollama.fail("drop");
    const err = await rejection(embedder().embed(["x"]));
    expect(err.code).toBe("ollama_bad_response");
    expect(err.message).toContain("broke off");
  });

  it("tells the person which model to pull", async () => {
    const err = await rejection(embedder({ model: "nomic-embed-text" }).embed(["x"]));
    expect(err.code).toBe("ollama_model_missing");
    expect(err.message).toContain('"nomic-embed-text"');
    expect(err.hint).toBe("Run `ollama pull nomic-embed-text`.");
  });

  it("recovers once a fault limited to one request has passed", async () => {
    ollama.fail("500", { times: 1 });
    const model = embedder();
    await expect(model.embed(["x"])).rejects.toMatchObject({ code: "ollama_bad_response" });
    await expect(model.embed(["x"])).resolves.toHaveLength(1);
  });

  it("cancels a request in flight when the caller aborts, closing the connection", async () => {
    ollama.fail("hang");
    const controller = new AbortController();
    const pending = embedder().embed(["x"], { signal: controller.signal });
    await vi.waitFor(() => expect(ollama.requestsTo("/api/embed")).toHaveLength(1));
    controller.abort();
    const err = await rejection(pending);
    expect(err.code).toBe("cancelled");
    await vi.waitFor(() => expect(ollama.requestsTo("/api/embed")[0]?.closedEarly).toBe(true));
  });
});

describe("createOllamaChat", () => {
  const question = [{ role: "user" as const, content: "What is my editor?" }];

  function chat(timeoutMs?: number, model = "qwen3:4b") {
    return createOllamaChat({ host: ollama.url, model, contextTokens: 4096, timeoutMs });
  }

  it("streams the answer's tokens in order", async () => {
    ollama.replyWith(["Your ", "editor ", "is ", "Helix [1]."]);
    const tokens: string[] = [];
    expect(await drain(chat().chat(question), tokens)).toBeNull();
    expect(tokens).toEqual(["Your ", "editor ", "is ", "Helix [1]."]);

    const body = ollama.requestsTo("/api/chat")[0]?.body;
    expect(body).toMatchObject({
      model: "qwen3:4b",
      messages: question,
      stream: true,
      think: false,
      options: { num_ctx: 4096 },
    });
  });

  it("describes itself as a local model with its context window", () => {
    expect(chat()).toMatchObject({ route: "local", model: "qwen3:4b", contextTokens: 4096 });
  });

  it("stops when the caller aborts mid-answer and closes the connection", async () => {
    ollama.replyWith(["one ", "two ", "three ", "four "]);
    ollama.fail("hang", { after: 2 });
    const controller = new AbortController();
    const tokens: string[] = [];
    const err = await drain(chat().chat(question, { signal: controller.signal }), tokens, () => {
      if (tokens.length === 2) controller.abort();
    });
    expect(tokens).toEqual(["one ", "two "]);
    expect(err).toMatchObject({ code: "cancelled" });
    await vi.waitFor(() => expect(ollama.requestsTo("/api/chat")[0]?.closedEarly).toBe(true));
  });

  it("stops at once when aborted even if more tokens are already buffered", async () => {
    ollama.replyWith(["one ", "two ", "three ", "four "]);
    const controller = new AbortController();
    const tokens: string[] = [];
    const err = await drain(chat().chat(question, { signal: controller.signal }), tokens, () =>
      controller.abort(),
    );
    expect(tokens).toEqual(["one "]);
    expect(err).toMatchObject({ code: "cancelled" });
  });

  it("closes the connection when the caller leaves the loop early", async () => {
    ollama.replyWith(["one ", "two ", "three "]);
    ollama.fail("hang", { after: 2 });
    for await (const token of chat().chat(question)) {
      expect(token).toBe("one ");
      break;
    }
    await vi.waitFor(() => expect(ollama.requestsTo("/api/chat")[0]?.closedEarly).toBe(true));
  });

  it("throws after yielding what arrived when the stream is dropped halfway", async () => {
    ollama.replyWith(["one ", "two ", "three ", "four "]);
    ollama.fail("drop", { after: 2 });
    const tokens: string[] = [];
    const err = await drain(chat().chat(question), tokens);
    expect(tokens).toEqual(["one ", "two "]);
    expect(err).toBeInstanceOf(BrainError);
    expect(err).toMatchObject({ code: "chat_failed" });
    expect((err as BrainError).message).toContain("qwen3:4b");
    expect((err as BrainError).hint).toMatch(/try again/i);
  });

  it("times out when the stream stalls", async () => {
    ollama.replyWith(["one ", "two "]);
    ollama.fail("hang", { after: 1 });
    const tokens: string[] = [];
    const err = await drain(chat(200).chat(question), tokens);
    expect(tokens).toEqual(["one "]);
    expect(err).toMatchObject({ code: "ollama_timeout" });
  });

  it("reports a stream that ends without finishing", async () => {
    ollama.fail("badJson");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const err = await drain(chat().chat(question), []);
    warn.mockRestore();
    expect(err).toBeInstanceOf(BrainError);
    expect((err as BrainError).code).toBe("chat_failed");
    expect((err as BrainError).message).toBe(
      "The answer from qwen3:4b broke off: Did not receive done or success response in stream.",
    );
  });

  it("asks again without `think` when the model has no thinking switch", async () => {
    ollama.models.push("llama3.2:latest");
    ollama.withoutThinking = ["llama3.2"];
    ollama.replyWith(["Hi"]);
    const tokens: string[] = [];
    expect(await drain(chat(undefined, "llama3.2").chat(question), tokens)).toBeNull();
    expect(tokens).toEqual(["Hi"]);
    const bodies = ollama.requestsTo("/api/chat").map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => b.think)).toEqual([false, undefined]);
  });

  it("tells the person which chat model to pull", async () => {
    const err = await drain(chat(undefined, "llama3.2").chat(question), []);
    expect(err).toMatchObject({ code: "ollama_model_missing", hint: "Run `ollama pull llama3.2`." });
  });

  it("says Ollama is not running when nothing listens", async () => {
    const down = await FakeOllamaServer.start();
    await down.close();
    const model = createOllamaChat({ host: down.url, model: "qwen3:4b" });
    const err = await drain(model.chat(question), []);
    expect(err).toMatchObject({ code: "ollama_unreachable", hint: "Start Ollama: `ollama serve`." });
    expect((err as BrainError).message).toContain(down.url);
  });
});

describe("checkOllama", () => {
  it("reports the version and whether the model is pulled", async () => {
    expect(await checkOllama({ host: ollama.url, model: "mxbai-embed-large" })).toEqual({
      reachable: true,
      modelPresent: true,
      version: ollama.version,
    });
    const missing = await checkOllama({ host: ollama.url, model: "nomic-embed-text" });
    expect(missing).toMatchObject({ reachable: true, modelPresent: false });
    expect(missing.error?.hint).toBe("Run `ollama pull nomic-embed-text`.");
  });

  it("reports an unreachable Ollama without throwing", async () => {
    const down = await FakeOllamaServer.start();
    await down.close();
    const status = await checkOllama({ host: down.url, model: "qwen3:4b" });
    expect(status).toMatchObject({ reachable: false, modelPresent: false });
    expect(status.error?.code).toBe("ollama_unreachable");
  });

  it("reports a hanging Ollama as a timeout", async () => {
    ollama.fail("hang");
    const status = await checkOllama({ host: ollama.url, model: "qwen3:4b", timeoutMs: 200 });
    expect(status).toMatchObject({ reachable: false, modelPresent: false });
    expect(status.error?.code).toBe("ollama_timeout");
  });
});

describe("FakeOllamaServer", () => {
  it("gives equal texts equal vectors and texts sharing words closer ones", () => {
    const a = Float32Array.from(ollama.vectorFor("local memory for notes"));
    const b = Float32Array.from(ollama.vectorFor("memory for notes on a mac"));
    const c = Float32Array.from(ollama.vectorFor("banana bread recipe"));
    expect(ollama.vectorFor("local memory for notes")).toEqual(Array.from(a));
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
  });

  it("closes promptly with requests still hanging", async () => {
    ollama.fail("hang");
    const pending = fetch(`${ollama.url}/api/version`).catch((err: unknown) => err);
    await vi.waitFor(() => expect(ollama.requests).toHaveLength(1));
    await ollama.close();
    expect(await pending).toBeInstanceOf(Error);
    ollama = await FakeOllamaServer.start();
  });
});
