import path from "node:path";
import { BrainError } from "./core/base/index.ts";

/** The Mac architectures whose native binaries ship in `assets/native/`. */
export type MacArch = "arm64" | "x64";

/** Absolute paths of the native binaries the Raycast runtime loads by path. */
export interface NativePaths {
  /** better-sqlite3's prebuilt addon, passed to `new Database(file, { nativeBinding })`. */
  betterSqlite3: string;
  /** sqlite-vec's loadable extension, passed to `db.loadExtension(path)`. */
  sqliteVec: string;
}

/**
 * The native binaries for one Mac architecture (or, for the tests of the built extension on Linux,
 * `platform` "linux" with `vec0.so`), inside the extension's assets folder.
 *
 * Raycast bundles each command with esbuild, and a bundled `require` of a `.node` file fails the
 * build while sqlite-vec's own loader (`import.meta.resolve`) breaks once bundled. So the command
 * passes these paths to the core instead (`BrainConfig.native`). The extension keeps its own file
 * name, `vec0.dylib`, in a folder per architecture: SQLite derives the entry point from the file
 * name (`vec0-darwin-arm64.dylib` would look for `sqlite3_vec0darwinarm64_init` and fail), so a
 * plain `db.loadExtension(path)` works only with that name. The files are made by
 * `scripts/fetch-native.ts` and checked against `assets/native/SHA256SUMS` by the tests.
 *
 * @example
 * import { environment } from "@raycast/api";
 * const native = nativePaths(environment.assetsPath, process.arch);
 * // { betterSqlite3: ".../assets/native/darwin-arm64/better_sqlite3.node",
 * //   sqliteVec: ".../assets/native/darwin-arm64/vec0.dylib" }
 */
export function nativePaths(assetsDir: string, arch: string, platform: string = "darwin"): NativePaths {
  if (platform === "darwin" && arch !== "arm64" && arch !== "x64") {
    throw new BrainError(
      "bad_input",
      `Local Brain ships native binaries for Mac arm64 and x64 only, not ${arch}.`,
      {
        hint: "Use the `brain` command line on this machine instead.",
      },
    );
  }
  const dir = path.join(path.resolve(assetsDir), "native", `${platform}-${arch}`);
  const vec0 = platform === "darwin" ? "vec0.dylib" : "vec0.so";
  return { betterSqlite3: path.join(dir, "better_sqlite3.node"), sqliteVec: path.join(dir, vec0) };
}
