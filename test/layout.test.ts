import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s+["'](\.[^"']+)["']/g;

/** Every folder below src/, as "src/core/store/". */
function folders(dir = "src"): string[] {
  const out = [`${dir}/`];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...folders(`${dir}/${e.name}`));
  }
  return out;
}

/** Every TypeScript file below src/ with the files its static imports name. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of folders()) {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (!e.isFile() || !/\.tsx?$/.test(e.name)) continue;
      const file = `${dir}${e.name}`;
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      const deps = [...text.matchAll(STATIC_IMPORT)].map((m) =>
        path.posix.normalize(path.posix.join(dir, m[1]!)),
      );
      graph.set(file, deps);
    }
  }
  return graph;
}

/** The import cycles of a graph, each as the files on it (depth-first search, colours). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === "open") found.push(stack.slice(stack.indexOf(dep)));
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("the source layout", () => {
  it("has no import cycle in src/, type imports included", () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("names every folder under src/ in ARCHITECTURE.md's layout", () => {
    const architecture = fs.readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8");
    const layout = architecture.slice(
      architecture.indexOf("## Layout"),
      architecture.indexOf("\n## ", architecture.indexOf("## Layout") + 1),
    );
    const listed = (dir: string) =>
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s`, "m").test(layout);
    const missing = folders().filter((dir) => !listed(dir));
    expect(missing).toEqual([]);
  });

  it("gives every folder of src/core a face (index.ts)", () => {
    const core = fs
      .readdirSync(path.join(ROOT, "src/core"), { withFileTypes: true })
      .filter((e) => e.isDirectory());
    const faceless = core
      .map((e) => e.name)
      .filter((name) => !fs.existsSync(path.join(ROOT, "src/core", name, "index.ts")));
    expect(faceless).toEqual([]);
  });
});
