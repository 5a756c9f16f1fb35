import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDoctor } from "../src/core/doctor.ts";
import { BrainError } from "../src/core/base/errors.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { testBrain } from "./support/tmp.ts";
import { closedPort } from "./support/net.ts";

let ollama: FakeOllamaServer;
beforeEach(async () => {
  ollama = await FakeOllamaServer.start();
});
afterEach(async () => {
  await ollama.close();
});

describe("brain doctor", () => {
  it("reports every check ok on a healthy setup", async () => {
    const brain = testBrain({}, { ollamaHost: ollama.url });
    const checks = await runDoctor(brain, { secretStore: () => new MemorySecretStore() });
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["database", "ok"],
      ["keyword index", "ok"],
      ["embedding model", "ok"],
      ["chat model", "ok"],
      ["structured tasks", "ok"],
      ["embeddings", "ok"],
      ["duplicates", "ok"],
      ["secret store", "ok"],
    ]);
  });

  it("names each problem with its fix", async () => {
    const brain = testBrain({}, { ollamaHost: ollama.url, chatModel: "llama-not-pulled" });
    brain.entries.capture({ text: "waiting for a vector" });
    const checks = await runDoctor(brain, {
      secretStore: () => {
        throw new BrainError("secret_store_unavailable", "No secret store.", {
          hint: "Install gnome-keyring.",
        });
      },
    });
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName["chat model"]).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("ollama pull llama-not-pulled"),
    });
    expect(byName["embeddings"]).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("brain embed"),
    });
    expect(byName["secret store"]).toMatchObject({ status: "fail", fix: "Install gnome-keyring." });
    const nothingListening = testBrain({}, { ollamaHost: `http://127.0.0.1:${await closedPort()}` });
    const down = await runDoctor(nothingListening);
    expect(down.find((c) => c.name === "embedding model")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("ollama serve"),
    });
  });
});
