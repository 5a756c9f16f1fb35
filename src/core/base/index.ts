/** What every concept stands on: errors, ports, configuration, time, folders and locks. */
export * from "./config.ts";
export * from "./errors.ts";
export * from "./fs-dirs.ts";
export * from "./pid-lock.ts";
export * from "./ports.ts";
export * from "./time.ts";
