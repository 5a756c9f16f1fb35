/**
 * Where bytes go. `local`: this machine (a loopback Ollama, the person's own screen); `assistant`:
 * an MCP client or Raycast AI; `cloud`: a cloud model; `remote`: a model host on another machine.
 */
export type EgressClass = "local" | "assistant" | "cloud" | "remote";

export interface Destination {
  class: EgressClass;
  /** The road in the ledger: `mcp`, `cloud`, `remote-ollama`, `raycast-ai`, `agent`… */
  road: string;
  /** Who receives it: "anthropic claude-sonnet-5-5", "claude-ai 0.1.0", "gpu-box:11434". */
  name: string;
  /** The person opted this destination in to #private memories (`brain mcp --include-private`). */
  includePrivate?: boolean;
}
