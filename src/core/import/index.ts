/** Importing folders of notes, Obsidian vaults and JSON lines. */
export * from "./import.ts";
