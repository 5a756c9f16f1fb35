import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain, type Brain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import SearchBrain from "../src/commands/search-brain.tsx";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { Keyboard } from "./support/raycast-api/index.tsx";
import { renderCommand, type Screen } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";

let config: BrainConfig;
let seed: Brain;
let screen: Screen | undefined;

beforeEach(() => {
  resetRaycast();
  config = testConfig();
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: config.ollamaHost };
  seed = createBrain(config);
});

afterEach(async () => {
  await screen?.unmount();
  screen = undefined;
  seed.close();
});

const launch = { launchType: "userInitiated" as never, arguments: {} };

function capture(text: string, kind?: "note" | "fact" | "decision") {
  return seed.entries.capture({ text, kind }).entry;
}

async function open(): Promise<Screen> {
  screen = await renderCommand(<SearchBrain {...launch} />);
  await screen.waitFor(() => screen!.one("List").props.isLoading === false, "the first results");
  return screen;
}

const titles = (s: Screen) => s.all("List.Item").map((n) => n.props.title);
const item = (s: Screen, title: string) => s.one("List.Item", { title });

async function searchFor(s: Screen, query: string): Promise<void> {
  await s.searchFor(query);
  await s.waitFor(() => s.one("List").props.isLoading === false, `results for "${query}"`);
}

describe("Search Brain", () => {
  it("shows the recent entries before anything is typed, newest first", async () => {
    capture("First thought");
    capture("Second thought");
    const s = await open();
    expect(titles(s)).toEqual(["Second thought", "First thought"]);
    expect(s.one("List.Section").props.title).toBe("Recent");
  });

  it("finds an entry by the start of a word as you type, with its kind, tags, age and the list that found it", async () => {
    const pnpm = capture("Switched the team to pnpm #tooling", "decision");
    capture("Lunch at the noodle place");
    const s = await open();
    await searchFor(s, "pnp");
    expect(titles(s)).toEqual(["Switched the team to pnpm #tooling"]);
    const shown = s.texts();
    expect(shown).toContain("#tooling");
    expect(shown).toContain("keyword #1");
    expect(shown).toContain("now");
    expect(item(s, "Switched the team to pnpm #tooling").props.icon).toMatchObject({ tooltip: "Decision" });
    const detail = s.one("List.Item.Detail");
    expect(detail.props.markdown).toContain("> Switched the team to **pnpm** #tooling");
    expect(s.all("Metadata.Label", { title: "Kind" })[0]!.props.text).toBe("decision");
    expect(s.all("Metadata.Label", { title: "ID" })[0]!.props.text).toBe(`#${pnpm.id}`);
  });

  it("says when meaning search is unavailable and what to do, and still shows keyword results", async () => {
    capture("Backups go to iCloud Drive");
    const s = await open();
    await searchFor(s, "icloud");
    expect(titles(s)).toEqual(["Backups go to iCloud Drive"]);
    expect(s.one("List.Section").props.subtitle).toBe(
      "1 · keyword only: Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes). Showing keyword results.",
    );
    expect(raycast.toasts).toEqual([]);
  });

  it("loads more than 30 results as the list scrolls to its end", async () => {
    for (let i = 1; i <= 35; i++) capture(`Standup note ${i}`);
    const s = await open();
    await searchFor(s, "standup");
    expect(titles(s)).toHaveLength(30);
    const pagination = s.one("List").props.pagination as { hasMore: boolean; onLoadMore(): void };
    expect(pagination.hasMore).toBe(true);
    await s.settle();
    pagination.onLoadMore();
    await s.waitFor(() => titles(s).length === 35, "the second page");
    expect(new Set(titles(s)).size).toBe(35);
    expect((s.one("List").props.pagination as { hasMore: boolean }).hasMore).toBe(false);
  });

  it("a newer keystroke cancels the older search's request to Ollama", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      const embedded = createBrain({ ...config, ollamaHost: ollama.url });
      capture("Reciprocal rank fusion merges the keyword and vector lists");
      await embedded.embed();
      embedded.close();
      raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
      const s = await open();
      ollama.fail("hang", { times: 1, path: "/api/embed" });
      const before = ollama.requestsTo("/api/embed").length;
      await s.searchFor("vector");
      await s.waitFor(() => ollama.requestsTo("/api/embed").length > before, "the first query's request");
      await searchFor(s, "vector lists");
      const [superseded] = ollama.requestsTo("/api/embed").slice(before);
      await s.waitFor(() => superseded!.closedEarly, "the first request to be cancelled");
      expect(titles(s)).toEqual(["Reciprocal rank fusion merges the keyword and vector lists"]);
    } finally {
      await ollama.close();
    }
  });

  it("starts from the text typed in Raycast's root search (fallback command)", async () => {
    capture("Switched the team to pnpm #tooling");
    capture("Lunch at the noodle place");
    screen = await renderCommand(<SearchBrain {...launch} fallbackText="noodle" />);
    await screen.waitFor(() => screen!.one("List").props.isLoading === false, "the results");
    expect(screen.one("List").props.searchText).toBe("noodle");
    expect(titles(screen)).toEqual(["Lunch at the noodle place"]);
  });

  it("finds entries by meaning once they are embedded, and says so", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      const embedded = createBrain({ ...config, ollamaHost: ollama.url });
      capture("Reciprocal rank fusion merges the keyword and vector lists");
      await embedded.embed();
      embedded.close();
      raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
      const s = await open();
      await searchFor(s, "vector lists merge");
      expect(titles(s)).toEqual(["Reciprocal rank fusion merges the keyword and vector lists"]);
      expect(s.texts().some((t) => t.includes("meaning #1"))).toBe(true);
      expect(s.one("List.Section").props.subtitle).toBe("1 · keyword + mxbai-embed-large");
    } finally {
      await ollama.close();
    }
  });

  it("tells an empty brain how to start, and captures the typed text as a new thought", async () => {
    const s = await open();
    expect(s.one("List.EmptyView").props.title).toBe("Your brain is empty");
    await searchFor(s, "buy oat milk");
    expect(s.one("List.EmptyView").props.title).toBe('Nothing matches "buy oat milk"');
    await s.run("Capture as New Thought");
    expect(s.one("Form.TextArea").props.value).toBe("buy oat milk");
    await s.run("Save Thought");
    await s.waitFor(() => titles(s).includes("buy oat milk"), "the captured thought in the list");
    expect(seed.entries.list().map((e) => e.text)).toEqual(["buy oat milk"]);
  });

  it("asks before deleting: no keeps the memory, yes deletes it", async () => {
    const keep = capture("Keep this one");
    const doomed = capture("Delete this one");
    const s = await open();

    raycast.confirmAnswers.push(false);
    await s.run("Delete Memory", item(s, "Delete this one"));
    expect(raycast.alerts).toMatchObject([
      { title: `Delete note #${doomed.id}?`, primaryTitle: "Delete", answer: false },
    ]);
    expect(seed.entries.find(doomed.id)).not.toBeNull();
    expect(titles(s)).toContain("Delete this one");

    raycast.confirmAnswers.push(true);
    await s.run("Delete Memory", item(s, "Delete this one"));
    expect(seed.entries.find(doomed.id)).toBeNull();
    expect(seed.entries.find(keep.id)).not.toBeNull();
    expect(titles(s)).toEqual(["Keep this one"]);
    expect(lastToast()).toMatchObject({ style: "SUCCESS", title: `Deleted note #${doomed.id}` });
  });

  it("edits a memory in place and shows the new text", async () => {
    const entry = capture("Ollama listens on 11343");
    const s = await open();
    await s.run("Edit Memory", item(s, "Ollama listens on 11343"));
    expect(s.one("Form.TextArea").props.value).toBe("Ollama listens on 11343");
    await s.type("text", "Ollama listens on 11434");
    await s.run("Save Changes");
    await s.waitFor(() => titles(s).includes("Ollama listens on 11434"), "the edited text in the list");
    expect(seed.entries.get(entry.id).text).toBe("Ollama listens on 11434");
  });

  it("copies, pastes and opens the address a memory cites", async () => {
    const walEntry = capture("WAL explained: https://sqlite.org/wal.html.");
    const s = await open();
    const wal = item(s, "WAL explained: https://sqlite.org/wal.html.");
    await s.run("Copy ID", wal);
    await s.run("Copy Deeplink", wal);
    expect(raycast.copied).toEqual([
      String(walEntry.id),
      `raycast://extensions/local-brain/local-brain/search-brain?context=${encodeURIComponent(JSON.stringify({ entryId: walEntry.id }))}`,
    ]);
    // ⌘⇧C (Common.Copy) copies what the item shows, never its id.
    expect(s.action("Copy ID", wal).props.shortcut).not.toEqual(Keyboard.Shortcut.Common.Copy);
    await s.run("Copy Text", wal);
    await s.run("Paste Text", wal);
    await s.run("Open Link", wal);
    expect(raycast.clipboard).toBe("WAL explained: https://sqlite.org/wal.html.");
    expect(raycast.pasted).toEqual(["WAL explained: https://sqlite.org/wal.html."]);
    expect(raycast.opened).toEqual(["https://sqlite.org/wal.html"]);
  });

  it("lists related memories in the detail, and links a memory by hand", async () => {
    const stripe = capture("Billing moved to Stripe #billing");
    const invoices = capture("Invoices go out monthly #billing");
    const cat = capture("The cat is called Miso");
    const s = await open();
    await searchFor(s, "stripe");
    // The related memories are read after the results show: wait for them, as a person would.
    await s.waitFor(
      () => String(s.one("List.Item.Detail").props.markdown).includes("Invoices go out monthly"),
      "the related memories in the detail",
    );
    expect(s.one("List.Item.Detail").props.markdown).toContain(
      `- #${invoices.id} Invoices go out monthly #billing _(`,
    );
    expect(s.one("List.Item.Detail").props.markdown).not.toContain("Miso");

    await s.run("Link Memory", item(s, "Billing moved to Stripe #billing"));
    await s.type("to", `#${cat.id}`);
    await s.run("Link");
    expect(lastToast()).toMatchObject({ style: "SUCCESS", title: `Linked #${stripe.id} to #${cat.id}` });
    await s.waitFor(
      () => String(s.one("List.Item.Detail").props.markdown).includes(`- #${cat.id} The cat is called Miso`),
      "the linked memory among the related ones",
    );
    expect(seed.related(stripe.id).items.some((i) => i.entry?.id === cat.id)).toBe(true);
  });

  it("opens on the memory a citation link names", async () => {
    const cited = capture("The memory an answer cited");
    capture("A newer memory");
    screen = await renderCommand(<SearchBrain {...launch} launchContext={{ entryId: cited.id }} />);
    await screen.waitFor(() => screen!.one("List").props.isLoading === false, "the first results");
    expect(titles(screen)).toEqual(["The memory an answer cited", "A newer memory"]);
    expect(screen.one("List.Item.Detail", { markdown: "The memory an answer cited" })).toBeDefined();
  });

  it("filters by kind from the search bar's dropdown", async () => {
    capture("A plain note");
    capture("The office wifi is on channel 11", "fact");
    const s = await open();
    expect(s.one("List.Dropdown").props.value).toBe("all");
    await s.type("kind", "fact");
    await s.waitFor(() => titles(s).length === 1, "only the fact");
    expect(titles(s)).toEqual(["The office wifi is on channel 11"]);
  });
});
