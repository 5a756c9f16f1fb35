import type { CliCommand } from "../command.ts";

/**
 * Every `brain` command, in the order `brain help` lists them, each loaded only when it runs: a
 * capture must not pay for loading the MCP SDK or a cloud client. Add a command with one line.
 */
export const commandLoaders: Record<string, () => Promise<CliCommand>> = {
  capture: async () => (await import("./capture.ts")).capture,
  get: async () => (await import("./entries.ts")).get,
  list: async () => (await import("./entries.ts")).list,
  edit: async () => (await import("./entries.ts")).edit,
  delete: async () => (await import("./entries.ts")).del,
  search: async () => (await import("./search.ts")).search,
  embed: async () => (await import("./embed.ts")).embed,
  status: async () => (await import("./status.ts")).status,
  doctor: async () => (await import("./doctor.ts")).doctor,
  jobs: async () => (await import("./jobs.ts")).jobs,
  backup: async () => (await import("./backup.ts")).backup,
  restore: async () => (await import("./backup.ts")).restore,
  mcp: async () => (await import("./mcp.ts")).mcp,
  ask: async () => (await import("./ask.ts")).ask,
  ledger: async () => (await import("./ledger.ts")).ledger,
  cloud: async () => (await import("./cloud.ts")).cloud,
  related: async () => (await import("./related.ts")).related,
  link: async () => (await import("./link.ts")).link,
  duplicates: async () => (await import("./duplicates.ts")).duplicates,
  import: async () => (await import("./import.ts")).importCommand,
  boot: async () => (await import("./boot.ts")).boot,
  digest: async () => (await import("./digest.ts")).digest,
  suggestions: async () => (await import("./suggestions.ts")).suggestions,
  accept: async () => (await import("./suggestions.ts")).accept,
  reject: async () => (await import("./suggestions.ts")).reject,
  enrich: async () => (await import("./suggestions.ts")).enrich,
};
