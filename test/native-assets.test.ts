import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { MAC_ARCHS, NATIVE_FILES, extractFromTgz, parseSums, sha256 } from "../scripts/fetch-native.ts";
import { nativePaths } from "../src/raycast-native.ts";

const root = path.resolve(import.meta.dirname, "..");
const nativeDir = path.join(root, "assets", "native");
// Mach-O 64-bit headers start with 0xfeedfacf (little-endian), then the CPU type.
const MACHO_MAGIC = 0xfeedfacf;
const CPU_TYPE: Record<string, number> = { arm64: 0x0100000c, x64: 0x01000007 };

function sums(): Map<string, string> {
  return parseSums(fs.readFileSync(path.join(nativeDir, "SHA256SUMS"), "utf8"));
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

describe("the native binaries Raycast loads", () => {
  const sums = parseSums(fs.readFileSync(path.join(nativeDir, "SHA256SUMS"), "utf8"));

  it("lists every binary for both Mac architectures in SHA256SUMS", () => {
    const expected = MAC_ARCHS.flatMap((arch) => NATIVE_FILES.map((name) => `darwin-${arch}/${name}`));
    expect([...sums.keys()].sort()).toEqual(expected.sort());
  });

  it.each([...MAC_ARCHS])("has darwin-%s files that match their checksums and architecture", (arch) => {
    const paths = nativePaths(path.join(root, "assets"), arch);
    for (const file of [paths.betterSqlite3, paths.sqliteVec]) {
      const rel = path.relative(nativeDir, file).split(path.sep).join("/");
      expect(fs.existsSync(file), `${rel} is missing: run npx node scripts/fetch-native.ts`).toBe(true);
      expect(sha256(file), `${rel} does not match SHA256SUMS`).toBe(sums.get(rel));
      const header = fs.readFileSync(file).subarray(0, 8);
      expect(header.readUInt32LE(0)).toBe(MACHO_MAGIC);
      expect(header.readUInt32LE(4), `${rel} is not built for ${arch}`).toBe(CPU_TYPE[arch]);
    }
  });

  it("carries sqlite-vec's default entry point, which loadExtension derives from the name vec0", () => {
    for (const arch of MAC_ARCHS) {
      const dylib = fs.readFileSync(nativePaths(path.join(root, "assets"), arch).sqliteVec);
      expect(dylib.includes("_sqlite3_vec_init")).toBe(true);
      expect(path.basename(nativePaths("/x", arch).sqliteVec)).toBe("vec0.dylib");
    }
  });

  it("came from the installed better-sqlite3 and sqlite-vec versions", () => {
    const versions = readJson(path.join(nativeDir, "VERSIONS.json"));
    for (const pkg of ["better-sqlite3", "sqlite-vec"]) {
      const installed = readJson(path.join(root, "node_modules", pkg, "package.json")).version;
      expect(versions[pkg], `${pkg} was upgraded: run npx node scripts/fetch-native.ts`).toBe(installed);
    }
    for (const arch of MAC_ARCHS) {
      const prebuild = path.join(root, "node_modules", "better-sqlite3", "prebuilds", `darwin-${arch}.node`);
      expect(sums.get(`darwin-${arch}/better_sqlite3.node`)).toBe(sha256(prebuild));
    }
  });

  it("refuses architectures it ships nothing for", () => {
    expect(() => nativePaths("/x", "ia32")).toThrow(/arm64 and x64 only/);
  });
});

describe("the extension icon", () => {
  it("is a 512x512 RGBA PNG, as the Raycast store asks", () => {
    const png = fs.readFileSync(path.join(root, "assets", "icon.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString("ascii", 12, 16)).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([512, 512, 8, 6]);
  });
});

describe("ray build", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("bundles the commands and ships the native binaries in the extension's assets", () => {
    // A copy of the project, because ray build writes raycast-env.d.ts into the folder it runs in.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-build-"));
    const project = path.join(dir, "project");
    fs.mkdirSync(project);
    for (const entry of ["package.json", "tsconfig.json", "src", "assets"]) {
      fs.cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
    const out = path.join(dir, "out");
    const ray = path.join(root, "node_modules", "@raycast", "api", "bin", "run.js");
    // `-e dev` skips ray's whole-project type check, which `npm run typecheck` does already.
    execFileSync(process.execPath, [ray, "build", "-e", "dev", "-o", out, "-I"], {
      cwd: project,
      stdio: "pipe",
    });
    const manifest = readJson(path.join(out, "package.json")) as { commands: { name: string }[] };
    expect(manifest.commands.map((c) => c.name)).toContain("brain-status");
    for (const { name } of manifest.commands) expect(fs.existsSync(path.join(out, `${name}.js`))).toBe(true);
    for (const [rel, hex] of sums()) expect(sha256(path.join(out, "assets", "native", rel))).toBe(hex);
  });
});

describe("fetch-native's helpers", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("extracts one file from an npm-style tarball", () => {
    const tgz = zlib.gzipSync(
      Buffer.concat([
        tarEntry("package/README.md", "hi"),
        tarEntry("package/vec0.dylib", "binary"),
        Buffer.alloc(1024),
      ]),
    );
    expect(extractFromTgz(tgz, "package/vec0.dylib").toString()).toBe("binary");
    expect(() => extractFromTgz(tgz, "package/missing")).toThrow(/not in the tarball/);
  });

  it("parses sha256sum output and hashes files", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "native-assets-"));
    const file = path.join(dir, "a.bin");
    fs.writeFileSync(file, "abc");
    const hex = sha256(file);
    expect(hex).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(parseSums(`${hex}  darwin-x64/a.bin\nnot a line\n`)).toEqual(new Map([["darwin-x64/a.bin", hex]]));
  });
});

/** One ustar entry: a 512-byte header and the content padded to 512 bytes. */
function tarEntry(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, "utf8");
  header.write("0000644\0", 100);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write("ustar\0", 257);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  body.write(content);
  return Buffer.concat([header, body]);
}
