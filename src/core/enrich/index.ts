/** Structured tasks: suggestions, enrichment and digests. */
export * from "./digest-format.ts";
export * from "./digest.ts";
export * from "./job.ts";
export * from "./settings.ts";
export * from "./store.ts";
export * from "./structured.ts";
export * from "./suggestions.ts";
