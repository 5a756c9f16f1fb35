/** The agent loop: a chat model answers from the memories by calling the read-only memory tools. */
export * from "./agent.ts";
export { describeStep, type AgentStep } from "./calls.ts";
export * from "./tool-specs.ts";
export { AGENT_TOOL_NAMES, agentToolDefinitions, type AgentMemory } from "./tools.ts";
