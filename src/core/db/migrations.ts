import type Database from "better-sqlite3";

/**
 * Named migrations, applied in order once each and recorded in `migrations`. Never edit one that
 * has shipped: add a new one. Each carries its why next to its SQL.
 */
export interface Migration {
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    name: "001_entries",
    // One row per memory. `key` makes a fact or preference upsertable ("my editor" has one
    // current value); `hash` is the SHA-256 of the text, used to skip re-embedding unchanged text
    // and to make re-imports idempotent. Times are Unix milliseconds. Tags are a JSON array so
    // triggers can explode them into entry_tags without string splitting.
    sql: `
      CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('note', 'fact', 'preference', 'decision', 'state')),
        key TEXT,
        text TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
        source TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE UNIQUE INDEX entries_key ON entries(key) WHERE key IS NOT NULL;
      CREATE INDEX entries_created ON entries(created_at);
      CREATE INDEX entries_kind_created ON entries(kind, created_at);
      CREATE INDEX entries_source ON entries(source) WHERE source IS NOT NULL;
      CREATE INDEX entries_updated ON entries(updated_at);
    `,
  },
  {
    name: "002_entry_tags",
    // Tag filters and tag listings use this index instead of scanning JSON. Kept in step with
    // entries.tags by triggers, so no code path can forget it.
    sql: `
      CREATE TABLE entry_tags (
        tag TEXT NOT NULL,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        PRIMARY KEY (tag, entry_id)
      ) WITHOUT ROWID;
      CREATE INDEX entry_tags_entry ON entry_tags(entry_id);
      CREATE TRIGGER entries_tags_ai AFTER INSERT ON entries BEGIN
        INSERT OR IGNORE INTO entry_tags(tag, entry_id) SELECT value, new.id FROM json_each(new.tags);
      END;
      CREATE TRIGGER entries_tags_au AFTER UPDATE OF tags ON entries WHEN old.tags IS NOT new.tags BEGIN
        DELETE FROM entry_tags WHERE entry_id = old.id;
        INSERT OR IGNORE INTO entry_tags(tag, entry_id) SELECT value, new.id FROM json_each(new.tags);
      END;
    `,
  },
  {
    name: "003_entry_history",
    // Earlier values of an entry (an upserted preference, an edited note), written by a trigger
    // so every path that changes text keeps the old one.
    sql: `
      CREATE TABLE entry_history (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        tags TEXT NOT NULL,
        source TEXT,
        valid_from INTEGER NOT NULL,
        valid_to INTEGER NOT NULL
      );
      CREATE INDEX entry_history_entry ON entry_history(entry_id, valid_to);
      CREATE TRIGGER entries_history_au AFTER UPDATE OF text, kind, tags ON entries
      WHEN old.text IS NOT new.text OR old.kind IS NOT new.kind OR old.tags IS NOT new.tags BEGIN
        INSERT INTO entry_history(entry_id, kind, text, tags, source, valid_from, valid_to)
        VALUES (old.id, old.kind, old.text, old.tags, old.source, old.updated_at, new.updated_at);
      END;
    `,
  },
  {
    name: "004_entries_fts",
    // Keyword search: external-content FTS5 over text and tags (no second copy of the text),
    // porter stemming over unicode61 so "decided" finds "decide", and prefix indexes for 2, 3 and
    // 4 characters so search-as-you-type's short last word stays fast (at 100k entries, p95 of a
    // two-word as-you-type query: 15 ms with '2 3', 6 ms with '2 3 4').
    sql: `
      CREATE VIRTUAL TABLE entries_fts USING fts5(
        text, tags,
        content = 'entries', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2',
        prefix = '2 3 4'
      );
      CREATE TRIGGER entries_fts_ai AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, text, tags) VALUES (new.id, new.text, new.tags);
      END;
      CREATE TRIGGER entries_fts_ad AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, text, tags) VALUES ('delete', old.id, old.text, old.tags);
      END;
      CREATE TRIGGER entries_fts_au AFTER UPDATE OF text, tags ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, text, tags) VALUES ('delete', old.id, old.text, old.tags);
        INSERT INTO entries_fts(rowid, text, tags) VALUES (new.id, new.text, new.tags);
      END;
    `,
  },
  {
    name: "005_meta",
    // Small named settings the processes share (the active embedding model, last job runs).
    sql: `CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
  },
  {
    name: "006_vectors",
    // Vectors per entry chunk and per embedding model, so a model change fills a second set
    // while search keeps using the first. `bits` (sign bits of the mean-centred vector, 128 bytes
    // at 1024-d) comes before `vector` (float32, 4 KB) so the candidate scan reads rows without
    // touching the overflow pages that hold the floats; exact rescoring reads `vector` by id.
    // Measured here: sqlite-vec's vec0 `bit[1024]` KNN costs O(n·k) (10k rows: 0.5 ms at k=10,
    // 7 ms at k=500), while a linear Hamming scan of these bits costs O(n) whatever k is.
    sql: `
      CREATE TABLE embedding_models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        dimensions INTEGER NOT NULL CHECK (dimensions > 0),
        generation INTEGER NOT NULL DEFAULT 0,
        mean BLOB,
        mean_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        bits BLOB NOT NULL,
        vector BLOB NOT NULL,
        UNIQUE (entry_id, model_id, seq)
      );
      CREATE INDEX chunks_model ON chunks(model_id, id);
    `,
  },
  {
    name: "007_cloud_ledger",
    // What left the machine: one row per request to a cloud model, written before the request is
    // sent (so a crash mid-call still leaves the record) and given its outcome afterwards. It keeps
    // the question as sent, the ids of the entries whose text went with it and the bytes sent. No
    // foreign key: deleting an entry must not erase the record that it was sent.
    sql: `
      CREATE TABLE cloud_ledger (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        question TEXT NOT NULL,
        entry_ids TEXT NOT NULL CHECK (json_valid(entry_ids) AND json_type(entry_ids) = 'array'),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        outcome TEXT NOT NULL DEFAULT 'sent' CHECK (outcome IN ('sent', 'answered', 'failed', 'cancelled'))
      );
      CREATE INDEX cloud_ledger_at ON cloud_ledger(at);
    `,
  },
  {
    name: "008_graph",
    // The graph: edges go from an entry to another entry or to a named node (a #tag, an @person,
    // a [[title]] or a URL). Exactly one target per edge. `mention` and `reference` edges are
    // derived from the text at capture and edit, `semantic` ones written by the embedder, `manual`
    // ones by a person; deleting an entry deletes its edges both ways (ON DELETE CASCADE).
    // edges_out is unique over (from, type, target) so a repeated link is one edge, and serves
    // "what does this entry link to"; edges_to_entry and edges_to_node serve the other way.
    // entry_titles maps the titles an entry answers to (its file name, its `# heading`) to title
    // nodes, so a [[link]] written before its note exists resolves the moment the note arrives.
    // entries_hash makes import's content-hash dedup a seek; entries_pinned serves `brain boot`.
    sql: `
      CREATE TABLE nodes (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('tag', 'person', 'title', 'url')),
        name TEXT NOT NULL COLLATE NOCASE,
        UNIQUE (type, name)
      );
      CREATE TABLE edges (
        id INTEGER PRIMARY KEY,
        from_entry INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        to_entry INTEGER REFERENCES entries(id) ON DELETE CASCADE,
        to_node INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('mention', 'reference', 'semantic', 'manual')),
        weight REAL NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        CHECK ((to_entry IS NULL) <> (to_node IS NULL)),
        CHECK (to_entry IS NOT from_entry)
      );
      CREATE UNIQUE INDEX edges_out ON edges(from_entry, type, ifnull(to_entry, 0), ifnull(to_node, 0));
      CREATE INDEX edges_to_entry ON edges(to_entry);
      CREATE INDEX edges_to_node ON edges(to_node, from_entry);
      CREATE TABLE entry_titles (
        node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        PRIMARY KEY (node_id, entry_id)
      ) WITHOUT ROWID;
      CREATE INDEX entry_titles_entry ON entry_titles(entry_id);
      CREATE INDEX entries_hash ON entries(hash, kind);
      CREATE INDEX entries_pinned ON entries(updated_at) WHERE pinned = 1;
    `,
  },
  {
    name: "009_imported",
    // The hash of the text `brain import` last wrote to each entry it made from a file. When the
    // file is gone (or a part of it), the entry is removed only while its text still has this
    // hash: an entry a person edited in Local Brain since is kept. Gone with its entry.
    sql: `
      CREATE TABLE imported (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
        hash TEXT NOT NULL
      );
    `,
  },
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

/**
 * Applies the migrations not yet recorded, each in its own IMMEDIATE transaction, so two
 * processes opening a new database at once apply each migration exactly once.
 */
export function migrate(db: Database.Database, list: Migration[] = migrations): void {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const applied = db.prepare<[string], { name: string }>("SELECT name FROM migrations WHERE name = ?");
  const record = db.prepare("INSERT INTO migrations(name, applied_at) VALUES (?, ?)");
  for (const migration of list) {
    if (applied.get(migration.name)) continue;
    db.transaction(() => {
      if (applied.get(migration.name)) return;
      db.exec(migration.sql);
      record.run(migration.name, Date.now());
    }).immediate();
  }
}

/** The name of the newest applied migration: the schema version `brain status` shows. */
export function schemaVersion(db: Database.Database): string {
  const row = db
    .prepare<[], { name: string }>("SELECT name FROM migrations ORDER BY rowid DESC LIMIT 1")
    .get();
  return row?.name ?? "none";
}
