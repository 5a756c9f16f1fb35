/** The one gate for memory text leaving the machine, and the ledger of what left. */
export * from "./cloud-consent.ts";
export * from "./egress-embed.ts";
export * from "./egress-hosts.ts";
export * from "./egress-ledger.ts";
export * from "./egress.ts";
