import type { Migration } from "./migration.ts";

/** The first migrations: entries, tags, history, keyword index, meta, vectors, the graph, imports. Shipped: never edit. */
export const migrations001to009: Migration[] = [
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
];
