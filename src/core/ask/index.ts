/** Answering a question from memories: retrieval, prompt, routing and models. */
export * from "./ask.ts";
export * from "./prompt.ts";
export * from "./routing.ts";
export { cutText, estimateTokens } from "./pack.ts";
export { ASK_RELEVANCE_FLOOR, type AskCandidate, type AskRetrievalDeps } from "./retrieval.ts";
