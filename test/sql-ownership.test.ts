import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * SQL on a table lives in the folder of the concept that owns it; every other module calls that
 * folder's functions. This test reads every string in src/core and fails when one names a table
 * (after FROM, JOIN, INTO, UPDATE or TABLE, before MATCH, inside bm25()/snippet()) outside its
 * owner's folder. ARCHITECTURE.md "Which store owns which tables" is the same map in prose.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const CORE = "src/core";

/** Table → the folder of src/core whose modules alone write SQL on it. */
const OWNERS: Record<string, string> = {
  entries: "store",
  entry_tags: "store",
  entry_history: "store",
  entries_fts: "store",
  entries_fts_vocab: "store",
  embedding_models: "embed",
  chunks: "embed",
  bit_blocks: "embed",
  chunk_heads: "embed",
  chunk_residuals: "embed",
  nodes: "graph",
  edges: "graph",
  entry_titles: "graph",
  imported: "import",
  egress_ledger: "privacy",
  cloud_ledger: "privacy",
  suggestions: "enrich",
  enriched: "enrich",
  meta: "db",
  migrations: "db",
};

/**
 * The only places a module names a table its folder does not own, each with its reason. A query
 * that joins two concepts lives with the concept of its primary table. A stale line (the file no
 * longer names the table) fails the test too.
 */
const EXCEPTIONS: { file: string; table: string; why: string }[] = [
  {
    file: "src/core/db/migrations",
    table: "*",
    why: "migrations create and reshape every table",
  },
  {
    file: "src/core/embed/vectors.ts",
    table: "entries",
    why: "the exact scan (chunks of entries passing the search filters) is a single join over chunks",
  },
  {
    file: "src/core/embed/chunk-scores.ts",
    table: "entries",
    why: "rescoring reads only chunks made from their entry's current text: a seek into entries' hash index within the query over chunks",
  },
  {
    file: "src/core/embed/backlog.ts",
    table: "entries",
    why: "the embedder's backlog (entries without current chunks) is a single anti-join query over chunks",
  },
  {
    file: "src/core/graph/store.ts",
    table: "entries",
    why: "an entry-to-entry edge is inserted only when its target entry exists (INSERT INTO edges ... SELECT FROM entries, one statement); keyed entries linked to an entry by semantic edges (one join from edges, closest first)",
  },
  {
    file: "src/core/graph/duplicates.ts",
    table: "entries",
    why: "key proposals join semantic/duplicate edges with both entries' kind, key and times in one ranked, limited query",
  },
  {
    file: "src/core/graph/store.ts",
    table: "entry_tags",
    why: "which nodes an entry not tagged #private links to (what the privacy gate may show): one query from nodes through edges and entry_titles",
  },
  {
    file: "src/core/enrich/store.ts",
    table: "entries",
    why: "enrichment's backlog (entries without kind or tags that have no `enriched` row) is one anti-join, as the embedder's is",
  },
];

const NAMED = [
  /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?([a-z_][a-z0-9_]*)/gi,
  /\b([a-z_][a-z0-9_]*)\s+MATCH\b/gi,
  /\b(?:bm25|snippet|highlight)\(\s*([a-z_][a-z0-9_]*)/gi,
];

/** Every TypeScript file below src/core, as "src/core/store/entries.ts". */
function coreFiles(dir = CORE): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return coreFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** The text of every string and template literal in a file (a template's parts joined by a space). */
function strings(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(path.join(ROOT, file), "utf8"),
    ts.ScriptTarget.Latest,
  );
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      out.push([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(" "));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The tables of the map a file's strings name in SQL. */
function tablesNamed(file: string): Set<string> {
  const found = new Set<string>();
  for (const text of strings(file)) {
    for (const pattern of NAMED) {
      for (const m of text.matchAll(pattern)) {
        const table = m[1]!.toLowerCase();
        if (table in OWNERS) found.add(table);
      }
    }
  }
  return found;
}

function folderOf(file: string): string {
  return file.slice(CORE.length + 1).split("/")[0]!;
}

function excepted(file: string, table: string): boolean {
  return EXCEPTIONS.some((e) => file.startsWith(e.file) && (e.table === "*" || e.table === table));
}

describe("SQL ownership", () => {
  const named = new Map(coreFiles().map((file) => [file, tablesNamed(file)]));

  it("names a table in SQL only in the folder that owns it", () => {
    const strays: string[] = [];
    for (const [file, tables] of named) {
      for (const table of tables) {
        if (folderOf(file) !== OWNERS[table] && !excepted(file, table)) {
          strays.push(`${file} names ${table} (owned by src/core/${OWNERS[table]}/)`);
        }
      }
    }
    expect(strays).toEqual([]);
  });

  it("lists no exception that is no longer needed", () => {
    const stale = EXCEPTIONS.filter((e) => e.table !== "*" && !named.get(e.file)?.has(e.table)).map(
      (e) => `${e.file} ${e.table}`,
    );
    expect(stale).toEqual([]);
  });

  it("reads tables from every kind of SQL string", () => {
    // Template literals with interpolations, JOIN, MATCH and bm25()/snippet() of store/fts.ts.
    expect([...tablesNamed("src/core/store/fts.ts")].sort()).toEqual(["entries", "entries_fts"]);
    // Plain string literals: INSERT INTO, DELETE FROM, SELECT ... FROM.
    expect([...tablesNamed("src/core/db/meta.ts")]).toEqual(["meta"]);
    expect([...tablesNamed("src/core/graph/boot.ts")].sort()).toEqual(["edges", "nodes"]);
  });

  it("knows every table the migrations create", () => {
    const created = new Set<string>();
    for (const file of coreFiles(`${CORE}/db`)) {
      for (const text of strings(file)) {
        for (const m of text.matchAll(
          /\bCREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_]+)/gi,
        )) {
          if (!m[1]!.endsWith("_new")) created.add(m[1]!);
        }
      }
    }
    expect([...created].filter((t) => !(t in OWNERS))).toEqual([]);
  });
});
