/** Entries, their tags and history: the only SQL on those tables. */
export * from "./entries.ts";
export * from "./filters.ts";
export * from "./kinds.ts";
export * from "./status.ts";
export * from "./text.ts";
