/** Keyword, meaning and hybrid search over the store. */
export * from "./fts-query.ts";
export * from "./graph-expand.ts";
export * from "./intent.ts";
export * from "./meaning-failed.ts";
export * from "./query-cache.ts";
export * from "./search.ts";
export * from "./topic.ts";
