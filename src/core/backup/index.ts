/** Encrypted, verified backups: snapshot, archive, key, retention, offsite copy, restore. */
export * from "./backup.ts";
export * from "./files.ts";
export * from "./key.ts";
export * from "./list.ts";
export * from "./lock.ts";
export * from "./manifest.ts";
export * from "./restore.ts";
