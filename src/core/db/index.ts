/** Opening the database file (pragmas, sqlite-vec, refusal of non-databases) and its migrations. */
export * from "./migrations.ts";
export * from "./open.ts";
export * from "./statements.ts";
export * from "./meta.ts";
export * from "./prompt-write.ts";
