/**
 * Re-creates the macOS native binaries Raycast loads by path, in `assets/native/`:
 *
 *   darwin-arm64/better_sqlite3.node   from node_modules/better-sqlite3/prebuilds/darwin-arm64.node
 *   darwin-arm64/vec0.dylib            from `npm pack sqlite-vec-darwin-arm64@<installed sqlite-vec>`
 *   darwin-x64/...                     the same for Intel Macs
 *   SHA256SUMS                         `sha256sum -c` format, checked by test/native-assets.test.ts
 *   VERSIONS.json                      the package versions the binaries came from
 *
 * Run it after upgrading better-sqlite3 or sqlite-vec, from the project root, with Node 22:
 * `npx node scripts/fetch-native.ts`. It needs the npm registry for the two sqlite-vec packages
 * (they install only on a Mac, so `npm pack` fetches them as plain tarballs).
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

export const MAC_ARCHS = ["arm64", "x64"] as const;
export const NATIVE_FILES = ["better_sqlite3.node", "vec0.dylib"] as const;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The SHA-256 of a file as lowercase hex. */
export function sha256(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Parses `sha256sum` output: `<hex>  <relative path>` per line, into a path → hex map. */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (match?.[1] && match[2]) sums.set(match[2], match[1]);
  }
  return sums;
}

/** The contents of one file inside a `.tgz` (an npm tarball), found by its path in the archive. */
export function extractFromTgz(tgz: Buffer, wanted: string): Buffer {
  const tar = zlib.gunzipSync(tgz);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = cString(header, 0, 100);
    if (!name) break;
    const prefix = cString(header, 345, 155);
    const size = parseInt(cString(header, 124, 12).trim() || "0", 8);
    const start = offset + 512;
    if ((prefix ? `${prefix}/${name}` : name) === wanted)
      return Buffer.from(tar.subarray(start, start + size));
    offset = start + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the tarball.`);
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString("utf8");
}

function installedVersion(pkg: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8"));
  return String(manifest.version);
}

function npmPack(spec: string, dest: string): Buffer {
  const out = execFileSync("npm", ["pack", spec, "--pack-destination", dest, "--json"], { encoding: "utf8" });
  const [info] = JSON.parse(out) as { filename: string }[];
  if (!info) throw new Error(`npm pack ${spec} printed nothing.`);
  return fs.readFileSync(path.join(dest, info.filename));
}

/** Writes both architectures' binaries, the checksums and the versions into `outDir`. */
export function fetchNative(outDir: string): Map<string, string> {
  const versions = {
    "better-sqlite3": installedVersion("better-sqlite3"),
    "sqlite-vec": installedVersion("sqlite-vec"),
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-native-"));
  const sums = new Map<string, string>();
  try {
    for (const arch of MAC_ARCHS) {
      const dir = path.join(outDir, `darwin-${arch}`);
      fs.mkdirSync(dir, { recursive: true });
      const prebuild = path.join(root, "node_modules", "better-sqlite3", "prebuilds", `darwin-${arch}.node`);
      fs.copyFileSync(prebuild, path.join(dir, "better_sqlite3.node"));
      const tgz = npmPack(`sqlite-vec-darwin-${arch}@${versions["sqlite-vec"]}`, tmp);
      fs.writeFileSync(path.join(dir, "vec0.dylib"), extractFromTgz(tgz, "package/vec0.dylib"));
      for (const name of NATIVE_FILES) {
        const rel = `darwin-${arch}/${name}`;
        sums.set(rel, sha256(path.join(outDir, rel)));
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const lines = [...sums].map(([rel, hex]) => `${hex}  ${rel}\n`).join("");
  fs.writeFileSync(path.join(outDir, "SHA256SUMS"), lines);
  fs.writeFileSync(path.join(outDir, "VERSIONS.json"), `${JSON.stringify(versions, null, 2)}\n`);
  return sums;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.join(root, "assets", "native");
  for (const [rel, hex] of fetchNative(outDir)) console.log(`${hex}  ${rel}`);
}
