/** Edges between entries and named nodes, related memories and the session boot context. */
export * from "./boot.ts";
export * from "./conversation.ts";
export * from "./duplicates.ts";
export * from "./graph.ts";
export * from "./hops.ts";
export * from "./store.ts";
