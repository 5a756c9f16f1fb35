/** Entries, their tags, history and keyword index: the only SQL on those tables. */
export * from "./entries.ts";
export * from "./filters.ts";
export * from "./fts.ts";
export * from "./kinds.ts";
export * from "./lists.ts";
export * from "./lookups.ts";
export * from "./rows.ts";
export * from "./scratch-fts.ts";
export * from "./sources.ts";
export * from "./status.ts";
export * from "./text.ts";
export * from "./windows.ts";
export { addHistory } from "./history.ts";
