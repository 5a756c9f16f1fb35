import type { AgentAnswer, AgentMemory, AgentOptions } from "./agent/index.ts";
import type { BrainDeps, BrainParts } from "./brain-parts.ts";
import { BrainError, type ToolChatModel } from "./base/index.ts";
import type { CloudConsent } from "./privacy/index.ts";
import { askRetrieval, ollamaReach } from "./ask-brain.ts";
import { cloudToolChatFromSecretStore } from "./privacy-brain.ts";

/**
 * The agent loop's wiring (see agent/agent.ts): the Brain's own read functions as the tools, the
 * local model with tools (Ollama's `config.chatModel` unless the caller lent one) and the consented
 * cloud model with tools (Anthropic, its key from the secret store). Loaded on first use.
 */
export async function askAgentWith(
  parts: BrainParts,
  deps: BrainDeps,
  memory: AgentMemory,
  question: string,
  options?: AgentOptions,
): Promise<AgentAnswer> {
  const [{ askAgent }, { createOllamaToolChat }, retrieval] = await Promise.all([
    import("./agent/agent.ts"),
    import("./adapters/ollama-tools.ts"),
    askRetrieval(parts),
  ]);
  const { config, clock, egress } = parts;
  const { destination, reach } = ollamaReach(parts, deps);
  const agentDeps = {
    ...retrieval,
    clock,
    gate: egress,
    localDestination: destination,
    memory,
    localTools:
      deps.toolChat ?? createOllamaToolChat({ host: config.ollamaHost, model: config.chatModel, ...reach }),
    cloudTools: deps.secrets ? cloudToolChatFromSecretStore(deps.secrets) : noCloudKey,
  };
  return askAgent(agentDeps, question, options);
}

/** The cloud route when the runtime lent no key source. */
async function noCloudKey(consent: CloudConsent): Promise<ToolChatModel> {
  throw new BrainError("secret_missing", `No ${consent.provider} API key is available here.`, {
    hint: "Use `brain ask --agent` (it reads the key stored with `brain cloud set-key`), or ask with --route local.",
  });
}
