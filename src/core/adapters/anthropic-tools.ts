import type Anthropic from "@anthropic-ai/sdk";
import type { ToolChatModel, ToolDefinition, ToolMessage, ToolTurn } from "../base/index.ts";
import {
  anthropicClient,
  cancelled,
  toCloudError,
  withoutSecrets,
  type AnthropicChatOptions,
} from "./anthropic.ts";

/**
 * A cloud ToolChatModel backed by Anthropic's tool use through the official SDK: the tools go in
 * `tools` (their JSON Schema as `input_schema`), the model's calls come back as `tool_use` blocks,
 * and their results go back as `tool_result` blocks in the next user message. One request per
 * turn, not streamed. Only the agent loop uses it, and only with the person's consent.
 *
 * @example
 * const model = createAnthropicToolChat({ apiKey, model: "claude-sonnet-5-5", baseURL });
 * const turn = await model.turn(messages, tools, { signal });
 */
export function createAnthropicToolChat(options: AnthropicChatOptions): ToolChatModel {
  const client = anthropicClient(options);
  return {
    route: "cloud",
    model: options.model,
    contextTokens: options.contextTokens ?? 200_000,
    turn: (messages, tools, { signal } = {}) => turn(client, options, messages, tools, signal),
  };
}

async function turn(
  client: Anthropic,
  options: AnthropicChatOptions,
  messages: ToolMessage[],
  tools: ToolDefinition[],
  signal?: AbortSignal,
): Promise<ToolTurn> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const system = messages.filter((m) => m.role === "system").map((m) => m.content);
  try {
    const response = await client.messages.create(
      {
        model: options.model,
        max_tokens: options.maxTokens ?? 2048,
        ...(system.length ? { system: system.join("\n\n") } : {}),
        messages: toAnthropicMessages(messages),
        ...(tools.length ? { tools: tools.map(toAnthropicTool) } : {}),
      },
      { signal },
    );
    if (signal?.aborted) throw cancelled(signal.reason);
    let content = "";
    const toolCalls: ToolTurn["toolCalls"] = [];
    for (const block of response.content) {
      if (block.type === "text") content += block.text;
      if (block.type === "tool_use")
        toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
    }
    return { content, toolCalls };
  } catch (err) {
    throw withoutSecrets(toCloudError(err, options.model, signal), options.apiKey);
  }
}

function toAnthropicTool(tool: ToolDefinition): Anthropic.Tool {
  return {
    name: tool.name,
    description: tool.description,
    input_schema: { type: "object", ...tool.parameters } as Anthropic.Tool.InputSchema,
  };
}

/**
 * The conversation in Anthropic's shape: the model's calls as `tool_use` blocks after its text,
 * and the results of one turn's calls together in one user message of `tool_result` blocks.
 */
function toAnthropicMessages(messages: ToolMessage[]): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    if (message.role === "tool") {
      const block: Anthropic.ToolResultBlockParam = {
        type: "tool_result",
        tool_use_id: message.callId,
        content: message.content,
        ...(message.isError ? { is_error: true } : {}),
      };
      const last = out.at(-1);
      if (last?.role === "user" && Array.isArray(last.content)) last.content.push(block);
      else out.push({ role: "user", content: [block] });
      continue;
    }
    if (message.role === "assistant" && "toolCalls" in message) {
      const text: Anthropic.ContentBlockParam[] = message.content
        ? [{ type: "text", text: message.content }]
        : [];
      const uses = message.toolCalls.map(
        (c): Anthropic.ToolUseBlockParam => ({
          type: "tool_use",
          id: c.id,
          name: c.name,
          input: c.arguments ?? {},
        }),
      );
      out.push({ role: "assistant", content: [...text, ...uses] });
      continue;
    }
    const last = out.at(-1);
    // After tool results, the person's words join the same user message.
    if (message.role === "user" && last?.role === "user" && Array.isArray(last.content)) {
      last.content.push({ type: "text", text: message.content });
    } else out.push({ role: message.role, content: message.content });
  }
  return out;
}
