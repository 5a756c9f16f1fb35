import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import AskBrain from "../src/commands/ask-brain.tsx";
import { batchTokens } from "../src/hooks/useAsk.ts";
import { memoryLink } from "../src/helpers/deeplink.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { renderCommand, type Screen } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";
import { closedPort } from "./support/net.ts";

let config: BrainConfig;
let ollama: FakeOllamaServer;
let screen: Screen | undefined;

const NOTES = [
  "Billing decision: we moved billing to Stripe in March, invoices go out monthly #decision",
  "The cat's name is Miso and she likes tuna",
];

beforeEach(async () => {
  resetRaycast();
  ollama = await FakeOllamaServer.start();
  config = testConfig({ ollamaHost: ollama.url });
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
});

afterEach(async () => {
  await screen?.unmount();
  screen = undefined;
  await ollama.close();
});

/** Captures the notes and embeds them with the fake Ollama; returns their ids. */
async function seed(): Promise<number[]> {
  const brain = createBrain(config);
  try {
    const ids = NOTES.map((text) => brain.entries.capture({ text }).entry.id);
    await brain.embed();
    return ids;
  } finally {
    brain.close();
  }
}

async function ask(question: string): Promise<Screen> {
  screen = await renderCommand(<AskBrain launchType={"userInitiated" as never} arguments={{ question }} />);
  return screen;
}

const markdown = (s: Screen) => String(s.one("Detail").props.markdown);
const label = (s: Screen, title: string) => s.one("Metadata.Label", { title }).props.text;

describe("Ask Brain", () => {
  it("streams the answer with citations that link to the cited memory, and shows the route and model", async () => {
    const [billing] = await seed();
    ollama.replyWith(["We moved billing ", "to Stripe ", "[1]."]);
    const s = await ask("what did we decide about billing and Stripe?");
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the whole answer");

    expect(markdown(s)).toContain(`We moved billing to Stripe [\\[1\\]](${memoryLink(billing!)}).`);
    expect(markdown(s)).toContain(
      `1. [Billing decision: we moved billing to Stripe in March, invoices go out monthly #decision](${memoryLink(billing!)}) **(cited)**`,
    );
    expect(label(s, "Route")).toBe("local");
    expect(label(s, "Model")).toBe("qwen3:4b");
    expect(label(s, "[1]")).toBe("Billing decision: we moved billing to Stripe in March…");

    expect(s.one("Detail").props.navigationTitle).toBeUndefined();
    expect(s.actionTitles().slice(0, 2)).toEqual(["Copy Answer", "Paste Answer"]);
    const citations = s.one("ActionPanel.Submenu", { title: "Open Citation…" });
    await s.run("[1] Billing decision: we moved billing to…", citations);
    expect(s.one("Detail").props.markdown).toBe(NOTES[0]);
    expect(s.one("Detail").props.navigationTitle).toBe(`note #${billing}`);
  });

  it("looks the answer up step by step with the memory tools and folds the trace of calls", async () => {
    const [billing] = await seed();
    ollama.replyWith(["Stripe [1]."]);
    const s = await ask("what did we decide about billing and Stripe?");
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the plain answer");
    expect(markdown(s)).not.toContain("**Steps**");
    ollama.replyTurns([
      { calls: [{ name: "search", arguments: { query: "stripe", mode: "keyword" } }] },
      { content: "We moved billing to Stripe [1]." },
    ]);
    await s.run("Look up Step by Step");
    await s.waitFor(
      () => markdown(s).includes("We moved billing to Stripe") && s.one("Detail").props.isLoading === false,
      "the answer with the memory tools",
    );
    expect(markdown(s)).toContain(`We moved billing to Stripe [\\[1\\]](${memoryLink(billing!)}).`);
    expect(markdown(s)).toContain("**Steps** (1 tool call)\n\n1. search: stripe → 1 result");
    const tools = ollama.requestsTo("/api/chat").map((r) => (r.body as { tools?: unknown[] }).tools?.length);
    expect(tools).toEqual([undefined, 4, 4]);
    await s.run("Hide Steps");
    expect(markdown(s)).toContain("**Steps** (1 tool call, hidden: Show Steps)");
    expect(markdown(s)).not.toContain("1. search: stripe");
    await s.run("Show Steps");
    expect(markdown(s)).toContain("1. search: stripe → 1 result");
  });

  it("copies and pastes the answer, and asks a follow-up question in the same view", async () => {
    await seed();
    ollama.replyWith(["We moved billing ", "to Stripe ", "[1]."]);
    const s = await ask("what did we decide about billing and Stripe?");
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the whole answer");
    await s.run("Copy Answer");
    await s.run("Paste Answer");
    expect(raycast.copied).toEqual(["We moved billing to Stripe [1]."]);
    expect(raycast.pasted).toEqual(["We moved billing to Stripe [1]."]);
    ollama.replyWith(["Her name is Miso [1]."]);
    await s.run("Ask a Follow-up Question");
    await s.type("question", "what is the cat's name?");
    await s.run("Ask");
    await s.waitFor(() => markdown(s).includes("Her name is Miso"), "the follow-up answer");
    expect(markdown(s)).toContain("what is the cat's name?");
    expect(ollama.requestsTo("/api/chat")).toHaveLength(2);
  });

  it("asks the text typed in Raycast's root search (fallback command)", async () => {
    await seed();
    ollama.replyWith(["Stripe [1]."]);
    screen = await renderCommand(
      <AskBrain
        launchType={"userInitiated" as never}
        arguments={{}}
        fallbackText="billing decision stripe"
      />,
    );
    await screen.waitFor(() => screen!.one("Detail").props.isLoading === false, "the answer");
    expect(markdown(screen)).toContain("billing decision stripe");
    expect(ollama.requestsTo("/api/chat")).toHaveLength(1);
  });

  it("hands streamed tokens on in batches, not one render per token", async () => {
    const shown: string[] = [];
    const tokens = batchTokens((text) => shown.push(text), 50);
    for (let i = 0; i < 200; i++) tokens.add(`w${i} `);
    expect(shown).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    tokens.stop();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.split(" ").filter(Boolean)).toHaveLength(200);
  });

  it("shows the answer while it is still arriving", async () => {
    await seed();
    ollama.replyWith(["We moved ", "billing ", "to Stripe ", "[1]."]);
    ollama.fail("hang", { after: 2, path: "/api/chat" });
    const s = await ask("what did we decide about billing and Stripe?");
    await s.waitFor(() => markdown(s).includes("We moved billing"), "the first part of the answer");
    expect(s.one("Detail").props.isLoading).toBe(true);
    expect(markdown(s)).not.toContain("Stripe [");
    expect(markdown(s)).toContain("**Memories given to the model**");
  });

  it("says so instead of inventing when nothing relevant is stored", async () => {
    await seed();
    const s = await ask("when is the dentist appointment?");
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the answer");
    expect(markdown(s)).toContain("I don't have anything about that in your memory.");
    expect(label(s, "Route")).toBe("none: nothing relevant stored");
    expect(ollama.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("turns Ollama being down into a toast with the fix, not a crash", async () => {
    await seed();
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: `http://127.0.0.1:${await closedPort()}` };
    const s = await ask("billing decision stripe");
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the failure");
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "Could not answer" });
    expect(lastToast()?.message).toContain("Start Ollama: `ollama serve`.");
    expect(lastToast()?.primaryAction?.title).toBe("Copy `ollama serve`");
    expect(markdown(s)).toContain("Start Ollama: `ollama serve`.");
    expect(s.actionTitles()).toContain("Ask Again");
  });
});
