/**
 * The shape every evaluation collection takes, and the glue a runner needs around the real import
 * path: write the documents as a `.jsonl` (the format `brain import` reads), each line's `source` set
 * to `<collection>:<ref>`, then map search results back to refs through that `source`.
 */

/** The entry kinds the `.jsonl` import accepts. */
export type EntryKind = "note" | "fact" | "preference" | "decision" | "state";

/**
 * What a question tests: shared words, meaning only, a graph hop, a time named in words, or
 * nothing stored answers it.
 */
export type QuestionType = "keyword" | "meaning" | "graph" | "temporal" | "none";

export interface EvalDoc {
  /** The name questions use for this document, e.g. "1" (Cranfield) or "n042" (notes). */
  ref: string;
  text: string;
  kind?: EntryKind;
  key?: string;
  tags?: string[];
  /** ISO time. */
  created_at?: string;
}

export interface EvalQuery {
  id: string;
  text: string;
  /** Ref -> gain (> 0). Empty when nothing stored answers the question. */
  relevant: Map<string, number>;
  type?: QuestionType;
  /** The day the question is asked (YYYY-MM-DD): what "last week" is read against. */
  today?: string;
}

export interface Collection {
  /** Short lowercase name, also the `source` prefix: "cranfield", "notes". */
  name: string;
  docs: EvalDoc[];
  queries: EvalQuery[];
  /** The day questions without their own `today` are asked. */
  today?: string;
}

/** The `source` a document of `collection` is imported with. */
export function sourceFor(collection: string, ref: string): string {
  return `${collection}:${ref}`;
}

/**
 * The collection's documents as `.jsonl` import lines, one entry per line, `source` = `<name>:<ref>`.
 *
 * @example
 * toImportJsonl({ name: "notes", docs: [{ ref: "n1", text: "hi" }], queries: [] })
 * // '{"text":"hi","source":"notes:n1"}\n'
 */
export function toImportJsonl(collection: Collection): string {
  return collection.docs
    .map((d) =>
      JSON.stringify({
        text: d.text,
        kind: d.kind,
        key: d.key,
        tags: d.tags,
        source: sourceFor(collection.name, d.ref),
        created_at: d.created_at,
      }),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * The ref a search result's `source` names in `collection`, or null for an entry from elsewhere.
 *
 * @example
 * refFromSource("notes", "notes:n042") // "n042"
 */
export function refFromSource(collection: string, source: string | null | undefined): string | null {
  const prefix = `${collection}:`;
  return source?.startsWith(prefix) ? source.slice(prefix.length) : null;
}

/**
 * Result sources -> ranked refs: foreign entries dropped, and only the first hit per ref kept (a
 * long document may come back once per chunk).
 *
 * @example
 * rankedRefs("notes", ["notes:a", "x", "notes:a", "notes:b"]) // ["a", "b"]
 */
export function rankedRefs(collection: string, sources: readonly (string | null | undefined)[]): string[] {
  const refs = sources.map((s) => refFromSource(collection, s)).filter((r): r is string => r !== null);
  return [...new Set(refs)];
}
