import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { runDoctor } from "../src/core/doctor.ts";
import { listDuplicates, listKeyProposals, mergeDuplicate } from "../src/core/graph/duplicates.ts";
import { runBrain } from "./support/cli.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { testBrain, testConfig } from "./support/tmp.ts";

describe("near duplicates and new values", () => {
  let ollama: FakeOllamaServer;
  beforeEach(async () => {
    ollama = await FakeOllamaServer.start();
    ollama.setVector("jonas prefers signal, offline after six", [1, 0.5, 0, 0, 0, 0]);
    ollama.setVector("Jonas: Signal over WhatsApp, offline from 18:00", [1, 0.52, 0, 0, 0, 0.01]);
    ollama.setVector("jonas likes bouldering", [1, 0, 0.9, 0, 0, 0]);
    ollama.setVector("editor: neovim", [0, 0, 0, 1, 0.5, 0]);
    ollama.setVector("editor: helix now", [0, 0, 0, 1, 0.45, 0.05]);
  });
  afterEach(() => ollama.close());
  const brainOnFake = () => {
    const clock = new FixedClock("2026-03-01T09:00:00Z");
    const brain = testBrain(
      { clock, embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
      { ollamaHost: ollama.url },
    );
    return { brain, clock };
  };

  it("links a reworded memory to the one it repeats, lists it, and doctor counts it", async () => {
    const { brain, clock } = brainOnFake();
    const first = brain.entries.capture({ text: "jonas prefers signal, offline after six" }).entry.id;
    brain.entries.capture({ text: "jonas likes bouldering" });
    clock.advance(60_000);
    const again = brain.entries.capture({ text: "Jonas: Signal over WhatsApp, offline from 18:00" }).entry.id;
    await brain.embed();
    const pairs = listDuplicates(brain.db);
    expect(pairs.map((p) => [p.entry.id, p.of.id])).toEqual([[again, first]]);
    expect(pairs[0]!.similarity).toBeGreaterThan(0.99);
    const checks = await runDoctor(brain);
    expect(checks.find((c) => c.name === "duplicates")).toMatchObject({
      status: "warn",
      detail: "1 pair of memories say the same",
    });
  });

  it("merges a pair, keeping both texts: one current, the other in history", async () => {
    const { brain, clock } = brainOnFake();
    const first = brain.entries.capture({
      text: "jonas prefers signal, offline after six",
      tags: ["people"],
    }).entry;
    clock.advance(60_000);
    const again = brain.entries.capture({
      text: "Jonas: Signal over WhatsApp, offline from 18:00",
      tags: ["jonas"],
    }).entry;
    await brain.embed();
    const merged = mergeDuplicate(brain.db, brain.entries, again.id, first.id, clock.now().getTime());
    expect(merged).toMatchObject({ id: again.id, text: again.text, tags: ["jonas", "people"] });
    expect(brain.entries.find(first.id)).toBeNull();
    expect(brain.entries.history(again.id).map((h) => h.text)).toContain(first.text);
    expect(listDuplicates(brain.db)).toEqual([]);
  });

  it("proposes a keyless preference close to a keyed one as its new value", async () => {
    const { brain, clock } = brainOnFake();
    const keyed = brain.entries.capture({ text: "editor: neovim", kind: "preference", key: "editor" }).entry
      .id;
    clock.advance(60_000);
    const loose = brain.entries.capture({ text: "editor: helix now", kind: "preference" }).entry.id;
    await brain.embed();
    const proposals = listKeyProposals(brain.db);
    expect(proposals.map((p) => [p.entry.id, p.keyed.id, p.keyed.key])).toEqual([[loose, keyed, "editor"]]);
  });

  it("lists and merges from the command line", async () => {
    const config = testConfig({ ollamaHost: ollama.url });
    const env = { OLLAMA_HOST: ollama.url };
    const db = config.dbPath;
    await runBrain(["capture", "jonas prefers signal, offline after six"], { db, env });
    await runBrain(["capture", "Jonas: Signal over WhatsApp, offline from 18:00"], { db, env });
    expect((await runBrain(["embed"], { db, env })).code).toBe(0);
    const listed = await runBrain(["duplicates", "--json"], { db, env });
    expect(JSON.parse(listed.stdout).duplicates).toMatchObject([{ entry: { id: 2 }, of: { id: 1 } }]);
    const merged = await runBrain(["duplicates", "merge", "2", "1"], { db, env });
    expect(merged).toMatchObject({ code: 0, stderr: "" });
    expect(merged.stdout).toMatch(/^merged entry 1 into 2 /);
    const bad = await runBrain(["duplicates", "merge", "2", "2"], { db, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "brain: An entry cannot be merged into itself. Give two different ids: `brain duplicates merge KEEP OTHER`.\n",
    );
  });
});
