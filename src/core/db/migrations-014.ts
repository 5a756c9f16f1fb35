import type { Migration } from "./migration.ts";

/** Migrations from 014: compact chunk rows, chunk counts. Shipped ones: never edit. */
export const migrations014on: Migration[] = [
  {
    name: "014_chunk_heads",
    // Chunk rows in four-to-a-page form. A 4 KB page holds four table rows of at most 1,020 bytes;
    // an int8 vector of 1,024 components with its scales is 1,088, so with the chunk's sign bits
    // (128) and its 64-character hash a row was 1,236 bytes, three to a page. Now the first
    // 1,008 bytes of a longer stored vector live in `chunk_heads` (four to a page), the rest stays
    // in `chunks.vector`; the sign bits live only in `bit_blocks` (for chunks not in a block yet
    // they are taken from the vector, which is what they were made from), and `chunks.hash` keeps
    // the first 16 characters of the text's hash. Existing rows are rewritten by the embedder in
    // short transactions (vector-convert.ts); rescoring reads either form meanwhile. Bits are no
    // longer rewritten in `chunks` (a re-centring bumps the generation instead), so the trigger
    // that dropped a block when its chunks' bits changed goes. A database without chunks has
    // nothing to convert: it says so at once, so its first embedder pass does not look.
    // The duplicate check's index on entries (entries_hash) keys the hash's first 16 characters
    // instead of all 64 and the kind: 3 MB at 100k entries instead of 9; the query compares the
    // whole hash and the kind on the row it finds. (Built in this migration's one transaction: a
    // few hundred ms at 100k entries.)
    sql: `
      DROP TRIGGER IF EXISTS chunks_bit_blocks_au;
      DROP INDEX IF EXISTS entries_hash;
      CREATE INDEX entries_hash ON entries(substr(hash, 1, 16));
      INSERT OR IGNORE INTO meta(name, value) SELECT 'vectors_compact', '1' WHERE NOT EXISTS (SELECT 1 FROM chunks);
      CREATE TABLE chunk_heads (
        id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        head BLOB NOT NULL
      );
    `,
  },
  {
    name: "015_change_counts",
    // What the embedder's idle pass and the bit index need to know cheaply. Counting a model's
    // chunks with \`count(*) ... WHERE model_id = ?\` walks its whole index range (66-100 ms at a
    // million chunks, paid by a process loading its bit index and by every embedder pass), and
    // finding the entries that wait for vectors is a seek into \`chunks\` per entry (3.5 s at a
    // million). So triggers keep each model's chunk count and a count of writes to its chunks,
    // and a version of the entries' texts (\`meta.entries_text_version\`, moved by every insert,
    // delete and change of an entry's hash): while neither changed, the number of entries waiting
    // is what the last scan found (embed/backlog.ts, countPending). A trigger's update of one small row
    // costs a capture or the embedder a few µs.
    sql: `
      ALTER TABLE embedding_models ADD COLUMN chunk_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE embedding_models ADD COLUMN chunk_writes INTEGER NOT NULL DEFAULT 0;
      UPDATE embedding_models SET chunk_count = (SELECT count(*) FROM chunks c WHERE c.model_id = embedding_models.id);
      CREATE TRIGGER chunks_count_ai AFTER INSERT ON chunks BEGIN
        UPDATE embedding_models SET chunk_count = chunk_count + 1, chunk_writes = chunk_writes + 1 WHERE id = new.model_id;
      END;
      CREATE TRIGGER chunks_count_ad AFTER DELETE ON chunks BEGIN
        UPDATE embedding_models SET chunk_count = chunk_count - 1, chunk_writes = chunk_writes + 1 WHERE id = old.model_id;
      END;
      INSERT OR IGNORE INTO meta(name, value) VALUES ('entries_text_version', '0');
      CREATE TRIGGER entries_text_version_ai AFTER INSERT ON entries BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name = 'entries_text_version';
      END;
      CREATE TRIGGER entries_text_version_au AFTER UPDATE OF hash ON entries BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name = 'entries_text_version';
      END;
      CREATE TRIGGER entries_text_version_ad AFTER DELETE ON entries BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name = 'entries_text_version';
      END;
    `,
  },
  {
    name: "016_keyword_index_usermerge",
    // The embedder tidies the keyword index after each pass (store/fts.ts, tidyKeywordIndex) with
    // FTS5's 'merge' command, which merges a level of segments once it holds \`usermerge\` of them.
    // At 2 (FTS5's default is 4) each level is merged down to one segment, so a query looks a
    // word up in a handful of segments, and the index is never rewritten whole. A setting of the
    // index, kept in its \`entries_fts_config\` table.
    sql: `INSERT INTO entries_fts(entries_fts, rank) VALUES ('usermerge', 2);`,
  },
  {
    name: "017_url_nodes_without_trailing_slash",
    // A URL node's name no longer ends in the \`/\` of its path when no ?query or #fragment follows
    // (graph/extract.ts, normalizeUrl): a note linking https://stripe.com/ and one linking
    // https://stripe.com were not connected, and \`related https://stripe.com\` missed the first.
    // Each such node is renamed; where the name without the slash was already stored, its edges
    // move to that node instead (an edge that node already has is dropped with the other node).
    sql: `
      CREATE TEMP TABLE url_renames AS
        SELECT id AS old_id, rtrim(name, '/') AS name FROM nodes
        WHERE type = 'url' AND name LIKE '%/' AND instr(name, '?') = 0 AND instr(name, '#') = 0;
      UPDATE OR IGNORE nodes SET name = (SELECT r.name FROM url_renames r WHERE r.old_id = nodes.id)
        WHERE id IN (SELECT old_id FROM url_renames);
      DELETE FROM url_renames
        WHERE old_id IN (SELECT n.id FROM url_renames r JOIN nodes n ON n.id = r.old_id AND n.name = r.name);
      UPDATE OR IGNORE edges SET to_node = (
          SELECT n.id FROM url_renames r JOIN nodes n ON n.type = 'url' AND n.name = r.name AND n.id <> r.old_id
          WHERE r.old_id = edges.to_node)
        WHERE to_node IN (SELECT old_id FROM url_renames);
      DELETE FROM edges WHERE to_node IN (SELECT old_id FROM url_renames);
      DELETE FROM nodes WHERE id IN (SELECT old_id FROM url_renames);
      DROP TABLE url_renames;
    `,
  },
  {
    name: "018_chunk_residuals",
    // What int8 rounds away from a vector, kept for the chunks a large brain stores
    // (embed/residuals.ts): 2 bits a component, 256 bytes at 1024-d, in a table of their own so
    // that a brain without them pays nothing and rescoring reads them for its best few
    // candidates only. A model's chunks keep one once the model holds \`residuals_from\` chunks:
    // below 100,000, int8 alone keeps recall@10 against exact float32 at 0.99 or more on the
    // bench's vectors (0.994 at 100k, 0.990 at 150k), and the bytes (a fifth more a chunk) would
    // be spent for nothing.
    sql: `
      ALTER TABLE embedding_models ADD COLUMN residuals_from INTEGER NOT NULL DEFAULT 100000;
      CREATE TABLE chunk_residuals (
        id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        residual BLOB NOT NULL
      );
    `,
  },
];
