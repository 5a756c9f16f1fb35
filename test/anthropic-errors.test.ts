/**
 * What each HTTP error from Anthropic's API becomes: the real client against the fake Anthropic
 * server, every status with its one message and next step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicChat } from "../src/core/adapters/anthropic.ts";
import { failure } from "./support/errors.ts";
import { FakeAnthropicServer } from "./support/fake-anthropic.ts";

let cloud: FakeAnthropicServer;
beforeAll(async () => {
  cloud = await FakeAnthropicServer.start();
});
afterAll(() => cloud.close());

const LOCAL = "or ask locally with `--route local`";

describe("Anthropic's HTTP errors", () => {
  it.each([
    [
      401,
      "authentication_error",
      "Anthropic refused the API key (HTTP 401: boom).",
      "Store a valid key with `brain cloud set-key`.",
    ],
    [
      403,
      "permission_error",
      "Anthropic denied the request (HTTP 403: boom).",
      "Check the key's workspace and permissions in the Anthropic console.",
    ],
    [
      404,
      "not_found_error",
      'Anthropic does not know the model "claude-x" (HTTP 404: boom).',
      "Pick one with `brain cloud enable anthropic --model MODEL`.",
    ],
    [
      429,
      "rate_limit_error",
      "Anthropic's rate limit was reached (HTTP 429: boom).",
      `Wait a minute and try again, ${LOCAL}.`,
    ],
    [
      529,
      "overloaded_error",
      "Anthropic's API failed or is overloaded (HTTP 529: boom).",
      `Try again later, ${LOCAL}.`,
    ],
    [
      400,
      "invalid_request_error",
      "Anthropic refused the request (HTTP 400: boom).",
      `Check the model name and try again, ${LOCAL}.`,
    ],
  ])("HTTP %i (%s)", async (status, type, message, hint) => {
    cloud.fail({ kind: "status", status, type, message: "boom" });
    const model = createAnthropicChat({
      apiKey: "sk-ant-test-0123456789",
      model: "claude-x",
      baseURL: cloud.url,
    });
    const error = await failure(
      (async () => {
        for await (const _ of model.chat([{ role: "user", content: "hi" }]));
      })(),
    );
    expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({
      code: "cloud_failed",
      message,
      hint,
    });
  });
});
