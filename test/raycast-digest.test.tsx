import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import WeeklyDigest from "../src/commands/weekly-digest.tsx";
import { memoryLink } from "../src/helpers/deeplink.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { closedPort } from "./support/net.ts";
import { renderCommand, type Screen } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";

let config: BrainConfig;
let ollama: FakeOllamaServer;
let screen: Screen | undefined;

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

function capture(text: string): number {
  const brain = createBrain(config);
  try {
    return brain.entries.capture({ text }).entry.id;
  } finally {
    brain.close();
  }
}

const markdown = (s: Screen) => String(s.one("Detail").props.markdown);

describe("Weekly Digest", () => {
  it("shows the week's decisions and open questions with links that open each memory", async () => {
    const stripe = capture("Decided: billing moves to Stripe");
    const vat = capture("Open question: do we charge VAT?");
    ollama.replyStructured(() => ({
      decisions: [{ text: "Billing moves to Stripe", entry_ids: [stripe] }],
      open_questions: [{ text: "Do we charge VAT?", entry_ids: [vat] }],
      people: [],
      topics: [{ text: "billing", entry_ids: [stripe, vat] }],
    }));
    screen = await renderCommand(<WeeklyDigest />);
    const s = screen;
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the digest");

    expect(markdown(s)).toContain(`- Billing moves to Stripe [#${stripe}](${memoryLink(stripe)})`);
    expect(markdown(s)).toContain(`### Open questions\n\n- Do we charge VAT? [#${vat}](${memoryLink(vat)})`);
    expect(markdown(s)).toContain(
      `- billing [#${stripe}](${memoryLink(stripe)}) [#${vat}](${memoryLink(vat)})`,
    );
    expect(markdown(s)).not.toContain("### People");
    expect(s.actionTitles()).toEqual(["Write Again", "Copy Digest"]);
    expect(ollama.requestsTo("/api/chat")).toHaveLength(1);

    await s.run("Write Again");
    await s.waitFor(
      () => ollama.requestsTo("/api/chat").length === 2 && s.one("Detail").props.isLoading === false,
      "the second digest",
    );
  });

  it("turns Ollama being down into a toast and a message with the fix", async () => {
    capture("Decided: billing moves to Stripe");
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: `http://127.0.0.1:${await closedPort()}` };
    screen = await renderCommand(<WeeklyDigest />);
    const s = screen;
    await s.waitFor(() => s.one("Detail").props.isLoading === false, "the failure");
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "Could not write the digest" });
    expect(markdown(s)).toContain("Start Ollama: `ollama serve`.");
    expect(s.actionTitles()).toEqual(["Write Again"]);
  });
});
