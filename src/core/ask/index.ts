/** Answering a question from memories: retrieval, prompt, routing and models. */
export * from "./ask.ts";
export * from "./prompt.ts";
export * from "./routing.ts";
