import type { BrainConfig } from "./config.ts";
import { openDatabase, type Db } from "./db/open.ts";
import { createEntryStore, type EntryHook, type EntryStore } from "./entries.ts";
import { systemClock, type Clock } from "./ports.ts";
import { search, type SearchOptions, type SearchResponse } from "./search.ts";
import { storeStatus, type StoreStatus } from "./status.ts";

/** What the outside world lends the core. Every field has a default except in tests. */
export interface BrainDeps {
  clock?: Clock;
}

export interface Brain {
  readonly config: BrainConfig;
  readonly db: Db;
  readonly clock: Clock;
  readonly entries: EntryStore;
  search(query: string, options?: SearchOptions): SearchResponse;
  status(): StoreStatus;
  close(): void;
}

/**
 * The composition root's one call: opens the database and wires the core's parts. Commands, the
 * CLI, the MCP server and the jobs each build one Brain and only talk to it.
 *
 * @example
 * const brain = createBrain(resolveConfig({ dbPath: "/tmp/brain.db" }));
 * brain.entries.capture({ text: "hello" });
 * brain.close();
 */
export function createBrain(config: BrainConfig, deps: BrainDeps = {}): Brain {
  const db = openDatabase(config.dbPath, {
    nativeBinding: config.native?.betterSqlite3,
    sqliteVecPath: config.native?.sqliteVec,
  });
  const clock = deps.clock ?? systemClock;
  const hooks: EntryHook[] = [];
  const entries = createEntryStore(db, clock, hooks);
  return {
    config,
    db,
    clock,
    entries,
    search: (query, options) => search(db, query, options),
    status: () => storeStatus(db, config.dbPath),
    close: () => {
      if (db.open) db.close();
    },
  };
}
