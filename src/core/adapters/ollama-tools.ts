import type { ChatRequest, Message, Tool } from "ollama";
import type {
  RequestOptions,
  ToolCall,
  ToolChatModel,
  ToolDefinition,
  ToolMessage,
  ToolTurn,
} from "../base/index.ts";
import { cancelled, openOllamaCall, toOllamaError } from "./ollama.ts";
import { chatWithoutThinkIfRefused, type OllamaChatOptions } from "./ollama-chat.ts";

/**
 * A local ToolChatModel backed by Ollama's tool calling on /api/chat: the tools go in `tools`,
 * the model's calls come back in `message.tool_calls`, and each result goes back as a
 * `role: "tool"` message naming its tool. One request per turn, not streamed; thinking is off.
 *
 * @example
 * const model = createOllamaToolChat({ host: config.ollamaHost, model: "qwen3:4b" });
 * const turn = await model.turn(messages, [searchTool], { signal });
 */
export function createOllamaToolChat(options: OllamaChatOptions): ToolChatModel {
  const contextTokens = options.contextTokens ?? 8192;
  return {
    route: "local",
    model: options.model,
    contextTokens,
    turn: (messages, tools, request = {}) => turn({ ...options, contextTokens }, messages, tools, request),
  };
}

async function turn(
  options: OllamaChatOptions & { contextTokens: number },
  messages: ToolMessage[],
  tools: ToolDefinition[],
  { signal, onResend }: RequestOptions,
): Promise<ToolTurn> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const call = openOllamaCall({ ...options, timeoutMs }, signal);
  call.arm();
  try {
    const body: ChatRequest = {
      model: options.model,
      messages: messages.map(toOllamaMessage),
      ...(tools.length ? { tools: tools.map(toOllamaTool) } : {}),
      think: false,
      options: { num_ctx: options.contextTokens },
    };
    const send = (b: ChatRequest) => call.client.chat({ ...b, stream: false });
    const response = await chatWithoutThinkIfRefused(body, send, onResend);
    if (signal?.aborted) throw cancelled(signal.reason);
    const calls = response.message?.tool_calls ?? [];
    return {
      content: response.message?.content ?? "",
      toolCalls: calls.map((c, i) => ({
        id: `call_${i + 1}`,
        name: c.function.name,
        arguments: c.function.arguments,
      })),
    };
  } catch (err) {
    const context = { host: options.host, model: options.model, endpoint: "/api/chat", timeoutMs, signal };
    throw toOllamaError(err, { ...context, timedOut: call.timedOut });
  } finally {
    call.done();
  }
}

function toOllamaTool(tool: ToolDefinition): Tool {
  return {
    type: "function",
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters as Tool["function"]["parameters"],
    },
  };
}

function toOllamaMessage(message: ToolMessage): Message {
  if (message.role === "tool") return { role: "tool", content: message.content, tool_name: message.name };
  if ("toolCalls" in message) {
    const tool_calls = message.toolCalls.map((c: ToolCall) => ({
      function: { name: c.name, arguments: (c.arguments ?? {}) as Record<string, unknown> },
    }));
    return { role: "assistant", content: message.content, ...(tool_calls.length ? { tool_calls } : {}) };
  }
  return { role: message.role, content: message.content };
}
