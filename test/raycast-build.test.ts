import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExtension, manifestCommands } from "./support/raycast-build.ts";

// The invocations of the OS secret stores (src/core/adapters/keychain.ts, secret-service.ts).
// Raycast rejects extensions that read the Keychain; only the `brain` command line may.
const SECRET_STORE_INVOCATIONS = [
  "find-generic-password",
  "add-generic-password",
  "delete-generic-password",
  "secret-tool",
];

let dir: string;

beforeAll(async () => {
  dir = await buildExtension();
}, 300_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the built extension (ray build)", () => {
  it("has one bundle per command in the manifest, and no About command", () => {
    const bundles = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .sort();
    expect(bundles).toEqual(
      manifestCommands()
        .map((name) => `${name}.js`)
        .sort(),
    );
    expect(manifestCommands()).not.toContain("about");
  });

  it.each(manifestCommands())("%s cannot reach the Keychain or the Secret Service", (name) => {
    const bundle = fs.readFileSync(path.join(dir, `${name}.js`), "utf8");
    const found = SECRET_STORE_INVOCATIONS.filter((word) => bundle.includes(word));
    expect(found).toEqual([]);
  });
});
