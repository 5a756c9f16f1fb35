import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { describe, expect, it } from "vitest";
import { runBackup } from "../src/core/backup/backup.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { restoreBackup } from "../src/core/backup/restore.ts";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { migrate, migrations } from "../src/core/db/migrations.ts";
import { HEAD_BYTES, int8Bytes, normalize, signBits, vectorToBlob } from "../src/core/embed/vector-math.ts";
import { backupConfig } from "./support/backup-fixtures.ts";
import { encodeInt8Per64 } from "./support/int8-per-64.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const DIMS = 64;

/**
 * A database as an older version made it: the version before int8 vectors (schema up to 009,
 * float32 vectors), or the one before compact chunk rows (schema up to 013, whole int8 vectors).
 */
function writeOldDatabase(file: string, count: number, version: "009" | "013" = "009", dims = DIMS): void {
  const db = new Database(file);
  sqliteVec.load(db);
  db.pragma("journal_mode = WAL");
  migrate(
    db,
    migrations.filter((m) => m.name <= version),
  );
  db.transaction(() => {
    db.prepare("INSERT INTO embedding_models(name, dimensions, created_at) VALUES ('old-model', ?, 0)").run(
      dims,
    );
    for (let i = 0; i < count; i++) {
      const hash = `h${i}`;
      const { lastInsertRowid } = db
        .prepare("INSERT INTO entries(kind, text, created_at, updated_at, hash) VALUES ('note', ?, 0, 0, ?)")
        .run(`old note ${i}`, hash);
      const vector = normalize(
        Float32Array.from({ length: dims }, (_, d) => Math.sin(i * 7 + d * ((i % 5) + 1))),
      );
      const stored = version === "009" ? vectorToBlob(vector) : encodeInt8Per64(vector);
      db.prepare(
        "INSERT INTO chunks(entry_id, model_id, seq, hash, start, end, bits, vector) VALUES (?, 1, 0, ?, 0, 1, ?, ?)",
      ).run(lastInsertRowid, hash, Buffer.from(signBits(vector, null)), stored);
    }
    db.prepare("INSERT INTO meta(name, value) VALUES ('embed_model_active', 'old-model')").run();
  })();
  db.close();
}

describe("a backup made before int8 vectors", () => {
  it("restores, is searchable by meaning, and the next `brain embed` converts it", async () => {
    const config = backupConfig();
    const dir = path.dirname(config.dbPath);
    fs.mkdirSync(dir, { recursive: true });
    writeOldDatabase(config.dbPath, 30);
    const secrets = new MemorySecretStore();
    const backup = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const restoredPath = path.join(tempDir(), "restored.db");
    await restoreBackup(backup.file, restoredPath, { key });

    const query = normalize(Float32Array.from({ length: DIMS }, (_, d) => Math.sin(12 * 7 + d * 3)));
    const brain = createBrain(
      resolveConfig({ dbPath: restoredPath, offsiteDir: null, embedModel: "old-model" }, {}),
      {
        embedderFor: () => ({ model: "old-model", embed: async (texts) => texts.map(() => query) }),
      },
    );
    try {
      const search = async () => (await brain.search("anything", { mode: "semantic", limit: 3 })).results;
      const before = await search();
      expect(before[0]!.text).toBe("old note 12");
      // The chunk count an older schema did not keep is counted when the restored file is migrated.
      expect(brain.status().embedding.models[0]).toMatchObject({ float32_vectors: 30, chunks: 30 });
      const report = await brain.embed();
      expect(report).toMatchObject({ converted: 30, embedded: 0, pending: 0 });
      const lengths = brain.db.prepare("SELECT DISTINCT length(vector) FROM chunks").pluck().all();
      expect(lengths).toEqual([int8Bytes(DIMS)]);
      expect((await search()).map((r) => r.id)).toEqual(before.map((r) => r.id));
    } finally {
      brain.close();
    }
  });
});

describe("a backup made before compact chunk rows", () => {
  it("restores, is searchable by meaning, and the next `brain embed` splits its 1024-d vectors", async () => {
    const dims = 1024;
    const config = backupConfig();
    fs.mkdirSync(path.dirname(config.dbPath), { recursive: true });
    writeOldDatabase(config.dbPath, 30, "013", dims);
    const secrets = new MemorySecretStore();
    const backup = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const restoredPath = path.join(tempDir(), "restored.db");
    await restoreBackup(backup.file, restoredPath, { key });

    const query = normalize(Float32Array.from({ length: dims }, (_, d) => Math.sin(12 * 7 + d * 3)));
    const brain = createBrain(
      resolveConfig({ dbPath: restoredPath, offsiteDir: null, embedModel: "old-model" }, {}),
      { embedderFor: () => ({ model: "old-model", embed: async (texts) => texts.map(() => query) }) },
    );
    try {
      const search = async () => (await brain.search("anything", { mode: "semantic", limit: 3 })).results;
      const before = await search();
      expect(before[0]!.text).toBe("old note 12");
      const report = await brain.embed();
      expect(report).toMatchObject({ converted: 30, embedded: 0, pending: 0 });
      const rows = brain.db
        .prepare(
          "SELECT DISTINCT length(c.vector) AS rest, length(h.head) AS head, length(c.bits) AS bits FROM chunks c JOIN chunk_heads h ON h.id = c.id",
        )
        .all();
      // The int8 bytes as migration 012 wrote them (a scale per 64 components), split.
      expect(rows).toEqual([{ rest: 1024 + 16 * 4 - HEAD_BYTES, head: HEAD_BYTES, bits: 0 }]);
      expect(await search()).toEqual(before);
    } finally {
      brain.close();
    }
  });
});
