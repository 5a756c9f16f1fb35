import type { AskAnswer, AskOptions, AskRetrievalDeps } from "./ask/index.ts";
import type { BrainDeps, BrainParts } from "./brain-parts.ts";
import { BrainError, type ChatModel } from "./base/index.ts";
import type { CloudConsent, Destination } from "./privacy/index.ts";
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
  const [{ askQuestion }, models, retrieval] = await Promise.all([
    import("./ask/ask.ts"),
    import("./ask/models.ts"),
    askRetrieval(parts),
  ]);
  const { config, clock, egress } = parts;
  const { destination, reach } = ollamaReach(parts, deps);
  const askDeps = {
    ...retrieval,
    clock,
    gate: egress,
    localDestination: destination,
    localChat: deps.chat ?? models.defaultLocalChat(config, reach),
    cloudChat: cloudChatOf(deps),
  };
  return askQuestion(askDeps, question, options);
}

/** What retrieval for a question reads: hybrid search and one graph hop (ask and the agent loop). */
export async function askRetrieval(parts: BrainParts): Promise<AskRetrievalDeps> {
  const [{ search }, { graphNeighbours }] = await Promise.all([
    import("./search/search.ts"),
    import("./search/graph-expand.ts"),
  ]);
  const { db } = parts;
  return {
    db,
    search: (query: string, filters: SearchOptions) => search(parts.searchDeps, query, filters),
    expand: (found: { id: number }[], limit: number) =>
      graphNeighbours(db, found, { limit }).map((n) => ({ ...n, coverage: 0, via: n.graph.from })),
  };
}

/** Where Ollama is, and how the chat adapters may reach it (a remote host the person allowed). */
export function ollamaReach(
  parts: BrainParts,
  deps: BrainDeps,
): { destination: Destination; reach: { remoteAllowed: boolean; fetch?: typeof fetch } } {
  const destination = parts.whereIsOllama();
  return { destination, reach: { remoteAllowed: destination.class === "remote", fetch: deps.ollamaFetch } };
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
