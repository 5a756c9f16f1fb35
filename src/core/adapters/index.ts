/** The outside world behind ports: Ollama, Anthropic, Keychain, Secret Service. */
export * from "./apple-fm.ts";
export * from "./keychain.ts";
export * from "./ollama-chat.ts";
export * from "./ollama-structured.ts";
export * from "./ollama.ts";
export * from "./permissions.ts";
export * from "./ollama-tools.ts";
