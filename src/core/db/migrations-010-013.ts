import type { Migration } from "./migration.ts";

/** Migrations 010 to 013: the egress ledger, new edge types, int8 vectors and bit blocks, enrichment. Shipped: never edit. */
export const migrations010to013: Migration[] = [
  {
    name: "010_egress_ledger",
    // One ledger for every road memory text takes off the machine (a cloud model, an MCP client,
    // a model host that is not this machine), replacing the cloud-only `cloud_ledger`, whose rows
    // are copied in (road 'cloud', the question as subject). `destination` names who received it
    // (provider and model, MCP client and version, host); `entry_ids` the entries whose text left;
    // `withheld` how many #private entries were held back from that egress. No foreign key:
    // deleting an entry must not erase the record that it was sent. Written with IF NOT EXISTS and
    // an idempotent copy, so it does not depend on which other migrations ran before it.
    sql: `
      CREATE TABLE IF NOT EXISTS egress_ledger (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        road TEXT NOT NULL,
        class TEXT NOT NULL CHECK (class IN ('assistant', 'cloud', 'remote')),
        destination TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        entry_ids TEXT NOT NULL CHECK (json_valid(entry_ids) AND json_type(entry_ids) = 'array'),
        withheld INTEGER NOT NULL DEFAULT 0 CHECK (withheld >= 0),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        outcome TEXT NOT NULL DEFAULT 'sent'
          CHECK (outcome IN ('sent', 'answered', 'failed', 'cancelled')),
        note TEXT
      );
      CREATE INDEX IF NOT EXISTS egress_ledger_at ON egress_ledger(at);
      CREATE INDEX IF NOT EXISTS egress_ledger_road ON egress_ledger(road, at);
      CREATE TABLE IF NOT EXISTS cloud_ledger (
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
        question TEXT NOT NULL, entry_ids TEXT NOT NULL, bytes INTEGER NOT NULL, outcome TEXT NOT NULL
      );
      INSERT INTO egress_ledger(at, road, class, destination, subject, entry_ids, bytes, outcome)
        SELECT at, 'cloud', 'cloud', provider || ' ' || model, question, entry_ids, bytes, outcome
        FROM cloud_ledger ORDER BY id;
      DROP TABLE cloud_ledger;
    `,
  },
  {
    name: "011_edges_duplicate_and_next",
    // Two more edge types between entries: `duplicate` (the embedder found the newer entry says the
    // same as the older one; weight = similarity) and `next` (the entry that follows in the same
    // conversation or imported file; read backwards it is `previous`). A CHECK constraint cannot be
    // altered in SQLite, so the table is rebuilt with its rows, ids and indexes as they were.
    sql: `
      CREATE TABLE edges_new (
        id INTEGER PRIMARY KEY,
        from_entry INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        to_entry INTEGER REFERENCES entries(id) ON DELETE CASCADE,
        to_node INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('mention', 'reference', 'semantic', 'manual', 'duplicate', 'next')),
        weight REAL NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        CHECK ((to_entry IS NULL) <> (to_node IS NULL)),
        CHECK (to_entry IS NOT from_entry)
      );
      INSERT INTO edges_new(id, from_entry, to_entry, to_node, type, weight, created_at)
        SELECT id, from_entry, to_entry, to_node, type, weight, created_at FROM edges;
      DROP TABLE edges;
      ALTER TABLE edges_new RENAME TO edges;
      CREATE UNIQUE INDEX edges_out ON edges(from_entry, type, ifnull(to_entry, 0), ifnull(to_node, 0));
      CREATE INDEX edges_to_entry ON edges(to_entry);
      CREATE INDEX edges_to_node ON edges(to_node, from_entry);
      CREATE INDEX edges_duplicate ON edges(type) WHERE type = 'duplicate';
    `,
  },
  {
    name: "012_int8_vectors_bit_blocks",
    // Rescoring vectors become int8 (a byte per component, 1 KB at 1024-d instead of 4 KB); no
    // schema change is needed for that: a vector's length says how it is stored, and the embedder
    // converts float32 ones in place in short transactions (vector-convert.ts).
    // bit_blocks holds the sign bits of up to 4,096 chunks in one row (ids as float64, bits in
    // planes of 256 bits as the scan keeps them), so a new process loads a million chunks' bits
    // by reading a few hundred rows instead of a million. A block is a copy: the chunks table
    // stays the truth. A block made under an older generation is not used; a block one of whose
    // chunks is deleted or re-centred is deleted by the triggers (marking it would rewrite its
    // half-megabyte row on every delete: measured at a million chunks, an embedder pass over
    // 5,000 edited entries then read hundreds of GB). Until the embedder seals that range again,
    // readers take it from chunks. Deleting a block is one row per block, not per chunk.
    sql: `
      CREATE TABLE bit_blocks (
        model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
        first_id INTEGER NOT NULL,
        last_id INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        ids BLOB NOT NULL,
        bits BLOB NOT NULL,
        UNIQUE (model_id, first_id)
      );
      CREATE TRIGGER chunks_bit_blocks_ad AFTER DELETE ON chunks BEGIN
        DELETE FROM bit_blocks WHERE model_id = old.model_id AND first_id = (
          SELECT max(first_id) FROM bit_blocks WHERE model_id = old.model_id AND first_id <= old.id)
          AND last_id >= old.id;
      END;
      CREATE TRIGGER chunks_bit_blocks_au AFTER UPDATE OF bits ON chunks BEGIN
        DELETE FROM bit_blocks WHERE model_id = old.model_id AND first_id = (
          SELECT max(first_id) FROM bit_blocks WHERE model_id = old.model_id AND first_id <= old.id)
          AND last_id >= old.id;
      END;
    `,
  },
  {
    name: "013_enrichment_suggestions",
    // What the background enrichment proposes for an entry (kind, tags, title, key), kept apart
    // from what the person wrote: nothing here changes an entry until it is accepted. `value` is
    // JSON; `detail` says more (tags not yet in use, the keyed entry a key points at). `enriched`
    // records each entry the enrichment has looked at, so it asks the model once per entry; an
    // entry whose model call failed for want of a model gets no row and is tried again next run.
    // Both go with their entry.
    sql: `
      CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        field TEXT NOT NULL CHECK (field IN ('kind', 'tags', 'title', 'key')),
        value TEXT NOT NULL CHECK (json_valid(value)),
        detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
        model TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'accepted', 'rejected', 'auto_accepted')),
        created_at INTEGER NOT NULL,
        decided_at INTEGER
      );
      CREATE INDEX suggestions_status ON suggestions(status, id);
      CREATE INDEX suggestions_entry ON suggestions(entry_id);
      CREATE TABLE enriched (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
        hash TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('suggested', 'nothing', 'failed')),
        model TEXT NOT NULL,
        error TEXT,
        at INTEGER NOT NULL
      );
    `,
  },
];
