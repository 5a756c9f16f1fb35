import fs from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import CaptureThought from "../src/commands/capture-thought.tsx";
import { quickCapture } from "../src/commands/quick-capture.tsx";
import type { Permissions } from "../src/core/adapters/permissions.ts";
import type { LaunchProps } from "@raycast/api";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { RecordedPermissions } from "./support/recorded-permissions.ts";
import { renderCommand } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";

let config: BrainConfig;

beforeEach(() => {
  resetRaycast();
  config = testConfig();
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: config.ollamaHost };
});

/** What is in the database the preferences point at, read with a Brain of its own. */
function stored() {
  const brain = createBrain(config);
  try {
    return brain.entries.list({ limit: 100 });
  } finally {
    brain.close();
  }
}

const launch = { launchType: "userInitiated" as never, arguments: {} };

describe("Capture Thought", () => {
  it("saves the text, kind and tags with ⌘↵ (the first action) and says what was saved", async () => {
    const screen = await renderCommand(<CaptureThought {...launch} />);
    expect(screen.actionTitles()[0]).toBe("Save Thought");
    await screen.type("text", "Decided to keep the brain in SQLite #storage");
    await screen.type("kind", "decision");
    await screen.type("tags", "architecture, local");
    await screen.run("Save Thought");

    const [entry, ...others] = stored();
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({
      text: "Decided to keep the brain in SQLite #storage",
      kind: "decision",
      source: "raycast",
    });
    expect(entry!.tags.sort()).toEqual(["architecture", "local", "storage"]);
    expect(raycast.huds).toEqual([
      `Saved decision #${entry!.id}: Decided to keep the brain in SQLite #storage`,
    ]);
    expect(raycast.poppedToRoot).toBe(1);
  });

  it("says a thought saved before is already saved, and saves no second one", async () => {
    for (let i = 0; i < 2; i++) {
      const screen = await renderCommand(<CaptureThought {...launch} />);
      await screen.type("text", "Keep the brain in SQLite");
      await screen.run("Save Thought");
    }
    const [entry, ...others] = stored();
    expect(others).toHaveLength(0);
    expect(raycast.huds).toEqual([
      `Saved note #${entry!.id}: Keep the brain in SQLite`,
      `Already saved as entry ${entry!.id}: Keep the brain in SQLite`,
    ]);
  });

  it("refuses an empty thought on the field itself and saves nothing", async () => {
    const screen = await renderCommand(<CaptureThought {...launch} />);
    await screen.type("text", "   ");
    await screen.run("Save Thought");
    expect(screen.one("Form.TextArea").props.error).toBe("Write the thought first");
    expect(stored()).toEqual([]);
    expect(raycast.huds).toEqual([]);
  });

  it("starts from a saved draft", async () => {
    const draft = { ...launch, draftValues: { text: "half a thought", kind: "fact", tags: "a b" } };
    const screen = await renderCommand(<CaptureThought {...draft} />);
    expect(screen.one("Form.TextArea").props.value).toBe("half a thought");
    expect(screen.one("Form.Dropdown").props.value).toBe("fact");
    expect(screen.one("Form.TextField").props.value).toBe("a, b");
  });

  it("turns a database that cannot be opened into a toast with the fix, not a crash", async () => {
    fs.writeFileSync(config.dbPath, "these are my notes, not a database");
    const screen = await renderCommand(<CaptureThought {...launch} />);
    await screen.type("text", "lost thought");
    await screen.run("Save Thought");
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "Could not save the thought" });
    expect(lastToast()?.message).toContain(
      "is not a SQLite database, so it was not opened. Restore it from a backup",
    );
    expect(raycast.huds).toEqual([]);
  });
});

describe("Quick Capture", () => {
  const granted = new RecordedPermissions({ accessibility: "authorized" });
  const run = (text?: string, extra: Partial<LaunchProps> = {}, permissions: Permissions = granted) =>
    quickCapture({ ...launch, arguments: { text }, ...extra } as LaunchProps, permissions);

  it("saves the argument when one is typed, says so in a HUD and clears the root search", async () => {
    raycast.selectedText = "not this";
    await run("Ollama runs on port 11434");
    const [entry] = stored();
    expect(entry).toMatchObject({ text: "Ollama runs on port 11434", source: "raycast" });
    expect(raycast.huds).toEqual([`Saved note #${entry!.id} · Typed: Ollama runs on port 11434`]);
    expect(raycast.hudOptions).toEqual([{ clearRootSearch: true }]);
  });

  it("saves the text typed in the root search when launched as a fallback command", async () => {
    await run(undefined, { fallbackText: "a thought from the root search" });
    expect(stored().map((e) => e.text)).toEqual(["a thought from the root search"]);
  });

  it("saves the same text twice only once, and says where it already is", async () => {
    await run("Ollama runs on port 11434");
    await run("Ollama runs on port 11434");
    const [entry, ...others] = stored();
    expect(others).toHaveLength(0);
    expect(raycast.huds).toEqual([
      `Saved note #${entry!.id} · Typed: Ollama runs on port 11434`,
      `Already saved as entry ${entry!.id} · Typed: Ollama runs on port 11434`,
    ]);
  });

  it("saves the selected text when no argument is given", async () => {
    raycast.selectedText = "  The selected paragraph  ";
    raycast.clipboard = "not this";
    await run();
    expect(stored().map((e) => [e.text, e.source])).toEqual([
      ["The selected paragraph", "raycast selection"],
    ]);
    expect(raycast.huds[0]).toContain("From the selection: The selected paragraph");
  });

  it("never saves the clipboard unless the preference allows it", async () => {
    raycast.selectedText = null;
    raycast.clipboard = "hunter2";
    await run("   ");
    expect(stored()).toEqual([]);
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "Nothing to capture" });
    expect(lastToast()?.message).toContain("only if you allow it in the preferences");
  });

  it("falls back to the clipboard when nothing is selected and the preference allows it", async () => {
    raycast.preferences = { ...raycast.preferences, captureClipboard: true };
    raycast.selectedText = null;
    raycast.clipboard = "copied line";
    await run("   ");
    expect(stored().map((e) => e.text)).toEqual(["copied line"]);
    expect(raycast.huds[0]).toContain("From the clipboard: copied line");
  });

  it("checks Accessibility before reading the selection and says where to grant it", async () => {
    const denied = new RecordedPermissions({ accessibility: "denied" });
    raycast.selectedText = "would need Accessibility";
    await run(undefined, {}, denied);
    expect(denied.asked).toEqual(["accessibility"]);
    expect(stored()).toEqual([]);
    const toast = lastToast()!;
    expect(toast).toMatchObject({ style: "FAILURE", title: "Raycast may not read the selection" });
    expect(toast.message).toContain("System Settings → Privacy & Security → Accessibility");
    await toast.primaryAction!.onAction(toast);
    expect(raycast.opened).toEqual([
      "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility",
    ]);
  });

  it("embeds the new entry at once when Ollama is up, so meaning search finds it", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      raycast.preferences = { ...raycast.preferences, ollamaHost: ollama.url };
      await run("Persistent memory in AI systems");
      const brain = createBrain({ ...config, ollamaHost: ollama.url });
      try {
        expect(brain.status().embedding.pending).toBe(0);
        const found = await brain.search("persistent memory systems", { mode: "semantic" });
        expect(found.results.map((r) => r.text)).toEqual(["Persistent memory in AI systems"]);
      } finally {
        brain.close();
      }
    } finally {
      await ollama.close();
    }
  });

  it("saves and stays quiet about meaning when Ollama is down (the job embeds it later)", async () => {
    await run("Captured while Ollama sleeps");
    expect(stored().map((e) => e.text)).toEqual(["Captured while Ollama sleeps"]);
    expect(raycast.toasts).toEqual([]);
  });
});
