import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import type { Brain } from "../src/core/brain.ts";
import { openDatabase } from "../src/core/db/open.ts";
import type { Embedder } from "../src/core/base/ports.ts";
import { BRAIN_BIN, ROOT, cleanEnv, runBrain } from "./support/cli.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

let ollama: FakeOllamaServer;
beforeEach(async () => {
  ollama = await FakeOllamaServer.start();
});
afterEach(async () => {
  await ollama.close();
});

function brainOnFake(timeoutMs = 2000, embedModel = "mxbai-embed-large"): Brain {
  return testBrain(
    {
      embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, timeoutMs, dimensions: 1024 }),
    },
    { ollamaHost: ollama.url, embedModel },
  );
}

const MEMORY = [1, 0.9, 0, 0, 0, 0.1];
const LUNCH = [0, 0, 1, 0.8, 0, 0];

describe("the embedder and meaning search", () => {
  it("finds an entry by meaning although no word matches (CLI, real processes)", async () => {
    ollama.setVector("persistent memory in AI systems", MEMORY);
    ollama.setVector("lunch with maria", LUNCH);
    ollama.setVector("how does a computer recall things", [0.9, 1, 0, 0, 0, 0]);
    const db = path.join(tempDir(), "brain.db");
    const env = { OLLAMA_HOST: ollama.url };
    await runBrain(["capture", "persistent memory in AI systems"], { db, env });
    await runBrain(["capture", "lunch with maria"], { db, env });
    const embed = await runBrain(["embed", "--json"], { db, env });
    expect(embed.code).toBe(0);
    expect(JSON.parse(embed.stdout)).toMatchObject({
      embedded: 2,
      failed: 0,
      pending: 0,
      active_model: "mxbai-embed-large",
    });
    const found = await runBrain(
      ["search", "how does a computer recall things", "--mode", "semantic", "--json"],
      { db, env },
    );
    const response = JSON.parse(found.stdout);
    expect(response.results[0]).toMatchObject({
      text: "persistent memory in AI systems",
      ranks: { semantic: 1 },
    });
    const hybrid = JSON.parse((await runBrain(["search", "lunch", "--json"], { db, env })).stdout);
    expect(hybrid.results[0]).toMatchObject({
      text: "lunch with maria",
      ranks: { keyword: 1, semantic: expect.any(Number) },
    });
  });

  it("embeds in batches, once: a second pass finds nothing to do, an edit is re-embedded", async () => {
    const brain = brainOnFake();
    for (let i = 0; i < 70; i++) brain.entries.capture({ text: `note number ${i} about topic ${i % 7}` });
    const first = await brain.embed({ batchSize: 32 });
    expect(first).toMatchObject({ embedded: 70, pending: 0, failed: 0 });
    expect(ollama.requestsTo("/api/embed")).toHaveLength(3);
    expect((await brain.embed()).embedded).toBe(0);
    brain.entries.edit(5, { text: "note number 5, now about gardening" });
    expect(brain.status().embedding.pending).toBe(1);
    expect((await brain.embed()).embedded).toBe(1);
  });

  it("splits long entries into overlapping chunks and finds the entry by its later part", async () => {
    const brain = brainOnFake();
    const long = `${"filler words about nothing in particular. ".repeat(60)}The secret ingredient is cardamom.`;
    const { entry } = brain.entries.capture({ text: long });
    const report = await brain.embed();
    expect(report.chunks).toBeGreaterThan(1);
    const { results } = await brain.search("secret ingredient cardamom", { mode: "semantic" });
    expect(results[0]!.id).toBe(entry.id);
    expect(results[0]!.snippet).toMatch(/^…/);
  });

  it.each([
    ["500", "ollama_bad_response"],
    ["badJson", "ollama_bad_response"],
    ["wrongDimension", "embedding_invalid"],
    ["nan", "embedding_invalid"],
    ["empty", "embedding_invalid"],
    ["drop", "ollama"],
    ["hang", "ollama_timeout"],
  ] as const)(
    "stores nothing when Ollama answers %s, reports it, and embeds once Ollama is back",
    async (fault, code) => {
      const brain = brainOnFake(300);
      brain.entries.capture({ text: "first memory" });
      brain.entries.capture({ text: "second memory" });
      ollama.fail(fault);
      const report = await brain.embed();
      expect(report.embedded).toBe(0);
      expect(report.pending).toBe(2);
      expect(report.errors[0]!.code).toContain(code);
      expect(brain.db.prepare("SELECT count(*) FROM chunks").pluck().get()).toBe(0);
      const { notices, results } = await brain.search("first memory");
      expect(results[0]!.text).toBe("first memory");
      // Nothing was stored, so meaning search is not even tried: no vectors yet, whatever Ollama does.
      expect(notices).toEqual([
        "Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes). Showing keyword results.",
      ]);
      ollama.fail(null);
      expect(await brain.embed()).toMatchObject({ embedded: 2, pending: 0 });
    },
  );

  it("falls back to keywords with a notice when Ollama is down, and the CLI exits non-zero for the pass", async () => {
    const db = path.join(tempDir(), "brain.db");
    const env = { OLLAMA_HOST: ollama.url };
    await runBrain(["capture", "persistent memory"], { db, env });
    await runBrain(["embed"], { db, env });
    await runBrain(["capture", "another memory"], { db, env });
    await ollama.close();
    const embed = await runBrain(["embed", "--json"], { db, env });
    expect(embed.code).toBe(1);
    expect(JSON.parse(embed.stdout).errors[0].message).toMatch(/ollama serve/);
    const found = await runBrain(["search", "memory"], { db, env });
    expect(found.code).toBe(0);
    expect(found.stdout).toContain("persistent memory");
    expect(found.stderr).toMatch(/Meaning search is unavailable.*ollama serve.*Showing keyword results/);
    ollama = await FakeOllamaServer.start();
  });

  it("isolates one entry the model cannot embed and embeds the rest", async () => {
    const brain = brainOnFake();
    brain.entries.capture({ text: "good one" });
    brain.entries.capture({ text: "poison" });
    brain.entries.capture({ text: "good two" });
    ollama.setVector("poison", [Number.NaN]);
    const report = await brain.embed();
    expect(report).toMatchObject({ embedded: 2, failed: 1, pending: 1 });
    expect(report.errors[0]).toMatchObject({ entry_id: 2, code: "embedding_invalid" });
  });

  it("leaves an entry edited while it was being embedded for the next pass", async () => {
    const brain = testBrain();
    const { entry } = brain.entries.capture({ text: "before" });
    const editing: Embedder = {
      model: "m",
      embed: async (texts) => {
        if (texts.includes("before")) brain.entries.edit(entry.id, { text: "after" });
        return texts.map((t) => Float32Array.from([t.length, 1, 2]));
      },
    };
    const report = await brainEmbed(brain, editing);
    expect(report).toMatchObject({ embedded: 0, skipped: 1, pending: 1 });
    expect(await brainEmbed(brain, editing)).toMatchObject({ embedded: 1, pending: 0 });
  });

  it("removes the vectors of deleted entries", async () => {
    const brain = brainOnFake();
    const { entry } = brain.entries.capture({ text: "to be deleted" });
    brain.entries.capture({ text: "to be kept" });
    await brain.embed();
    brain.entries.delete(entry.id);
    await brain.embed();
    expect(brain.db.prepare("SELECT count(*) FROM chunks").pluck().get()).toBe(1);
    const { results } = await brain.search("to be deleted", { mode: "semantic" });
    expect(results.map((r) => r.id)).not.toContain(entry.id);
  });

  it("keeps each model's chunk count equal to its chunks through edits, long entries, deletes and a model change", async () => {
    const brain = brainOnFake();
    ollama.models.push("nomic-embed-text:latest");
    const counted = () =>
      brain.db
        .prepare("SELECT model_id AS id, count(*) AS n FROM chunks GROUP BY model_id ORDER BY model_id")
        .all() as { id: number; n: number }[];
    const kept = () =>
      brain.db
        .prepare("SELECT id, chunk_count AS n FROM embedding_models WHERE chunk_count > 0 ORDER BY id")
        .all() as { id: number; n: number }[];
    for (let i = 0; i < 12; i++) brain.entries.capture({ text: `memory ${i} about databases` });
    const long = brain.entries.capture({ text: "a long memory about gardens. ".repeat(200) }).entry.id;
    await brain.embed();
    expect(counted()[0]!.n).toBeGreaterThan(13);
    expect(kept()).toEqual(counted());
    brain.entries.edit(long, { text: "now short" });
    brain.entries.delete(3);
    await brain.embed();
    expect(counted()).toEqual([{ id: 1, n: 12 }]);
    expect(kept()).toEqual(counted());
    const switched = testBrain(
      { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model }) },
      { dbPath: brain.config.dbPath, embedModel: "nomic-embed-text" },
    );
    await switched.embed();
    expect(counted()).toEqual([{ id: 2, n: 12 }]);
    expect(kept()).toEqual(counted());
    expect(switched.status().embedding.models).toMatchObject([{ name: "nomic-embed-text", chunks: 12 }]);
  });

  it("knows what waits after every kind of change, though an idle pass does not look", async () => {
    const brain = brainOnFake();
    const ids = Array.from({ length: 6 }, (_, i) => brain.entries.capture({ text: `memory ${i}` }).entry.id);
    expect(await brain.embed()).toMatchObject({ embedded: 6, pending: 0 });
    expect(await brain.embed()).toMatchObject({ embedded: 0, pending: 0 });
    // Re-embedding an edited entry rewrites as many chunks as it had: the count of chunks is the
    // same afterwards, what waits is not.
    brain.entries.edit(ids[1]!, { text: "memory 1, reworded" });
    expect(brain.status().embedding.pending).toBe(1);
    expect(await brain.embed()).toMatchObject({ embedded: 1, pending: 0 });
    expect(brain.status().embedding.pending).toBe(0);
    brain.entries.delete(ids[2]!);
    expect(await brain.embed()).toMatchObject({ embedded: 0, pending: 0 });
    // Vectors lost some other way (not through an entry) are waited for again.
    brain.db.prepare("DELETE FROM chunks WHERE entry_id = ?").run(ids[3]);
    expect(brain.status().embedding.pending).toBe(1);
    brain.entries.capture({ text: "memory 7" });
    expect(brain.status().embedding.pending).toBe(2);
    expect(await brain.embed()).toMatchObject({ embedded: 2, pending: 0 });
    expect(brain.status().embedding.pending).toBe(0);
  });

  it("changes the model without search going dark", async () => {
    const brain = brainOnFake();
    ollama.models.push("nomic-embed-text:latest");
    for (let i = 0; i < 10; i++) brain.entries.capture({ text: `memory ${i} about databases` });
    await brain.embed();
    const switched = testBrain(
      { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model }) },
      { dbPath: brain.config.dbPath, embedModel: "nomic-embed-text" },
    );
    ollama.fail("500");
    const failed = await switched.embed();
    expect(failed.active_model).toBe("mxbai-embed-large");
    ollama.fail(null);
    const during = await switched.search("databases", { mode: "semantic" });
    expect(during.model).toBe("mxbai-embed-large");
    expect(during.results).toHaveLength(10);
    const done = await switched.embed();
    expect(done).toMatchObject({ embedded: 10, pending: 0, active_model: "nomic-embed-text" });
    const after = await switched.search("databases", { mode: "semantic" });
    expect(after.model).toBe("nomic-embed-text");
    expect(switched.status().embedding.models.map((m) => m.name)).toEqual(["nomic-embed-text"]);
  });

  it("a model whose vectors changed length: the pass says how to start over, and --reset does", async () => {
    const db = path.join(tempDir(), "brain.db");
    const before = await FakeOllamaServer.start({ models: ["my-embedder"] });
    // The same model name then answers with 512 components (another variant pulled under its name).
    const after = await FakeOllamaServer.start({ models: ["my-embedder"], dimensions: 512 });
    try {
      const env = (server: FakeOllamaServer) => ({
        OLLAMA_HOST: server.url,
        BRAIN_EMBED_MODEL: "my-embedder",
      });
      await runBrain(["capture", "persistent memory in AI systems"], { db, env: env(before) });
      expect((await runBrain(["embed"], { db, env: env(before) })).code).toBe(0);
      await runBrain(["capture", "lunch with maria"], { db, env: env(after) });
      const failed = await runBrain(["embed"], { db, env: env(after) });
      expect(failed).toMatchObject({
        code: 1,
        stderr:
          "brain: The model my-embedder now returns 512-dimensional vectors; its stored vectors have 1024. " +
          "Remove its old vectors and embed every memory again with `brain embed --reset`.\n",
      });
      const reset = await runBrain(["embed", "--reset", "--json"], { db, env: env(after) });
      expect(reset.code).toBe(0);
      expect(JSON.parse(reset.stdout)).toMatchObject({
        model: "my-embedder",
        removed: 1,
        embedded: 2,
        failed: 0,
        pending: 0,
        errors: [],
        active_model: "my-embedder",
      });
      const status = await runBrain(["status"], { db, env: env(after) });
      expect(status.stdout).toContain("          my-embedder (512-d): 2 vectors, used by search\n");
      const found = await runBrain(["search", "lunch maria", "--mode", "semantic", "--json"], {
        db,
        env: env(after),
      });
      expect(JSON.parse(found.stdout).results[0]).toMatchObject({ text: "lunch with maria" });
    } finally {
      await before.close();
      await after.close();
    }
  });

  it("lets only one embedder run at a time", async () => {
    const brain = brainOnFake(5000);
    brain.entries.capture({ text: "something" });
    ollama.fail("hang", { times: 1 });
    const first = brain.embed();
    await new Promise((r) => setTimeout(r, 100));
    const second = await runBrain(["embed"], { db: brain.config.dbPath, env: { OLLAMA_HOST: ollama.url } });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/"event":"skipped".*already running/);
    await first.catch(() => {});
  });

  it("a capture process never hits a busy error while an embedder process waits on a hanging Ollama", async () => {
    const db = path.join(tempDir(), "brain.db");
    const env = { ...cleanEnv(), BRAIN_DB: db, OLLAMA_HOST: ollama.url };
    for (let i = 0; i < 200; i++) await runBrainFast(db, i);
    ollama.fail("hang");
    const embedder = spawn(process.execPath, [BRAIN_BIN, "embed"], { cwd: ROOT, env, stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 300));
    const capture = await runBrain(["capture", "captured while embedding", "--json"], {
      db,
      env: { OLLAMA_HOST: ollama.url },
    });
    embedder.kill("SIGKILL");
    expect(capture.stderr).toBe("");
    expect(capture.code).toBe(0);
  });
});

async function brainEmbed(brain: Brain, embedder: Embedder) {
  const { embedPass } = await import("../src/core/embed/embedder.ts");
  return embedPass(brain.db, brain.config.dbPath, { embedder, now: () => Date.now() });
}

async function runBrainFast(db: string, i: number) {
  const handle = openDatabase(db);
  handle
    .prepare("INSERT INTO entries(kind, text, created_at, updated_at, hash) VALUES ('note', ?, 0, 0, ?)")
    .run(`entry ${i}`, `h${i}`);
  handle.close();
}
