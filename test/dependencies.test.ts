import fs from "node:fs";
import path from "node:path";
import { Ollama } from "ollama";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.ts";

interface PackageJson {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;
const declared = {
  ...manifest.dependencies,
  ...manifest.devDependencies,
  ...manifest.optionalDependencies,
};

function installed(name: string): PackageJson | null {
  const file = path.join(ROOT, "node_modules", name, "package.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson) : null;
}

/**
 * Every method of the `ollama` client 0.6.3, whose published `src/` matches the upstream v0.6.3 tag.
 * The registry's 0.6.4 added `systemone()` (POST /v1/systemone), which upstream never had: a new
 * method here means a client nobody has read, so the pin is checked before it is moved.
 */
const OLLAMA_METHODS = [
  "abort",
  "chat",
  "copy",
  "create",
  "delete",
  "embed",
  "embeddings",
  "encodeImage",
  "fileExists",
  "generate",
  "list",
  "processStreamableRequest",
  "ps",
  "pull",
  "push",
  "show",
  "version",
  "webFetch",
  "webSearch",
];

describe("dependencies", () => {
  it("pins every dependency to one exact version, and that version is what is installed", () => {
    const ranges = Object.entries(declared).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(ranges).toEqual([]);
    const drift = Object.entries(declared)
      .map(([name, version]) => [name, version, installed(name)?.version] as const)
      // Optional dependencies for other platforms are not installed here.
      .filter(([, version, found]) => found !== undefined && found !== version);
    expect(drift).toEqual([]);
  });

  it("runs the ollama client 0.6.3 with exactly the methods the adapter was reviewed against", () => {
    expect(declared.ollama).toBe("0.6.3");
    expect(installed("ollama")?.version).toBe("0.6.3");
    const methods = new Set<string>();
    for (let p: object | null = Ollama.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") methods.add(name);
    }
    expect([...methods].sort()).toEqual(OLLAMA_METHODS);
  });

  it("lists in ARCHITECTURE.md every installed package that runs an install script", () => {
    const doc = fs.readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8");
    const section = doc.slice(
      doc.indexOf("### Install scripts"),
      doc.indexOf("\n## ", doc.indexOf("### Install scripts")),
    );
    const documented = new Set([...section.matchAll(/^- `([@\w./-]+)`/gm)].map((m) => m[1]!));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([key]) => key.replace(/^.*node_modules\//, ""));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !documented.has(name))).toEqual([]);
  });
});
