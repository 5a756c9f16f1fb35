import type { AskAnswer, AskOptions } from "./ask/index.ts";
import type { BrainDeps, BrainParts } from "./brain-parts.ts";
import { BrainError, type ChatModel } from "./base/index.ts";
import type { CloudConsent } from "./privacy/index.ts";
import type { SearchOptions } from "./search/index.ts";
import { cloudChatFromSecretStore } from "./privacy-brain.ts";

/**
 * A question answered from the memories (see ask.ts), with the local chat model (Ollama's unless
 * the caller lent one) and the consented cloud model. The ask path is loaded on first use: a
 * capture does not pay for it.
 */
export async function askWith(
  parts: BrainParts,
  deps: BrainDeps,
  question: string,
  options?: AskOptions,
): Promise<AskAnswer> {
  const [{ askQuestion }, models, { search }, { graphNeighbours }] = await Promise.all([
    import("./ask/ask.ts"),
    import("./ask/models.ts"),
    import("./search/search.ts"),
    import("./search/graph-expand.ts"),
  ]);
  const { config, db, clock, egress } = parts;
  const localDestination = parts.whereIsOllama();
  const reach = { remoteAllowed: localDestination.class === "remote", fetch: deps.ollamaFetch };
  const askDeps = {
    db,
    clock,
    gate: egress,
    localDestination,
    search: (query: string, filters: SearchOptions) => search(parts.searchDeps, query, filters),
    expand: (found: { id: number }[], limit: number) =>
      graphNeighbours(db, found, { limit }).map((n) => ({ ...n, coverage: 0, via: n.graph.from })),
    localChat: deps.chat ?? models.defaultLocalChat(config, reach),
    cloudChat: cloudChatOf(deps),
  };
  return askQuestion(askDeps, question, options);
}

/** The cloud model: the runtime's own, else the key from the secret store it lent, else a refusal. */
function cloudChatOf(deps: BrainDeps): (consent: CloudConsent) => Promise<ChatModel> {
  if (deps.cloudChat) return deps.cloudChat;
  return deps.secrets ? cloudChatFromSecretStore(deps.secrets) : noCloudKey;
}

/** The cloud route when the runtime lent no key source. */
async function noCloudKey(consent: CloudConsent): Promise<ChatModel> {
  throw new BrainError("secret_missing", `No ${consent.provider} API key is available here.`, {
    hint: "Use `brain ask` (it reads the key stored with `brain cloud set-key`), or ask with --route local.",
  });
}
