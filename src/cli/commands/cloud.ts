import { CLOUD_PROVIDERS, isProvider, type CloudProvider } from "../../core/privacy/index.ts";
import { BrainError } from "../../core/base/index.ts";
import { stringFlag, type CliCommand, type CliContext } from "../command.ts";
import { readSecret } from "../io.ts";

const ACTIONS = ["enable", "disable", "status", "set-key", "allow-host", "revoke-host", "hosts"] as const;
type Action = (typeof ACTIONS)[number];

export const cloud: CliCommand = {
  name: "cloud",
  summary: "Allow, withdraw or inspect the use of a cloud model, and of model hosts on other machines",
  usage:
    "cloud enable anthropic [--model M] [--base-url https://…] | disable [--forget-key] | status | " +
    "set-key [anthropic] (key on stdin) | allow-host HOST | revoke-host HOST | hosts",
  options: {
    model: { type: "string" },
    "base-url": { type: "string" },
    "forget-key": { type: "boolean" },
  },
  args: { min: 1, max: 2 },
  async run(ctx) {
    const action = ctx.args[0] as Action;
    if (!ACTIONS.includes(action)) {
      throw new BrainError(
        "bad_input",
        `\`brain cloud ${ctx.args[0] ?? ""}\` is not one of ${ACTIONS.join(", ")}.`,
        {
          hint: "For example `brain cloud status`.",
        },
      );
    }
    if (action === "enable") return enable(ctx);
    if (action === "disable") return disable(ctx);
    if (action === "set-key") return setKey(ctx);
    if (action === "allow-host") return allow(ctx);
    if (action === "revoke-host") return revoke(ctx);
    if (action === "hosts") return hosts(ctx);
    return status(ctx);
  },
};

function providerArg(ctx: CliContext, required: boolean): CloudProvider {
  const value = ctx.args[1];
  if (value === undefined && !required) return "anthropic";
  if (isProvider(value)) return value;
  throw new BrainError("bad_input", `Name the cloud provider: one of ${CLOUD_PROVIDERS.join(", ")}.`, {
    hint: "For example `brain cloud enable anthropic`.",
  });
}

async function enable(ctx: CliContext): Promise<void> {
  const consent = await ctx.brain().cloud.enable(providerArg(ctx, true), {
    model: stringFlag(ctx.flags, "model"),
    baseUrl: stringFlag(ctx.flags, "base-url"),
  });
  const { key, ...rest } = consent;
  ctx.print({ enabled: true, ...rest, key: key.state }, () =>
    [
      `Cloud use enabled: ${consent.provider}, model ${consent.model}, at ${consent.base_url}.`,
      "Questions go there only with `--route cloud`, or when the memories found do not fit the local model.",
      "Entries tagged #private are never sent. `brain ledger` lists every cloud call.",
      key.state === "stored"
        ? ""
        : "Next: store the API key with `brain cloud set-key` (it reads the key from stdin).",
    ]
      .filter(Boolean)
      .join("\n"),
  );
}

async function disable(ctx: CliContext): Promise<void> {
  const { changed, keyForgotten } = await ctx.brain().cloud.disable({
    forgetKey: ctx.flags["forget-key"] === true,
  });
  ctx.print({ enabled: false, changed, key_forgotten: keyForgotten }, () =>
    [
      changed ? "Cloud use disabled: every question stays on this machine." : "Cloud use was not enabled.",
      keyForgotten ? "The API key was removed from the secret store." : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );
}

async function setKey(ctx: CliContext): Promise<void> {
  const provider = providerArg(ctx, false);
  const key = await readSecret(ctx.io, `Paste the ${provider} API key and press Enter: `);
  const { storedIn } = await ctx.brain().cloud.setKey(provider, key);
  ctx.print({ provider, stored_in: storedIn }, `The ${provider} API key is stored in the ${storedIn}.`);
}

async function status(ctx: CliContext): Promise<void> {
  const status = await ctx.brain().cloud.status();
  const { state, problem } = status.key;
  const keyFields = { key: state, ...(problem ? { problem } : {}) };
  const keyLine = `API key: ${state}${problem ? ` (${problem})` : ""}.`;
  if (!status.enabled) {
    ctx.print({ enabled: false, ...keyFields }, () =>
      [
        "Cloud use is off: every question is answered on this machine. Enable it with `brain cloud enable anthropic`.",
        keyLine,
      ].join("\n"),
    );
    return;
  }
  const { key: _key, ...consent } = status;
  ctx.print({ ...consent, ...keyFields }, () =>
    [
      `Cloud use is on since ${consent.enabled_at}: ${consent.provider}, model ${consent.model}, at ${consent.base_url}.`,
      keyLine,
      "Disable with `brain cloud disable`; `brain ledger` lists every cloud call.",
    ].join("\n"),
  );
}

function hostArg(ctx: CliContext): string {
  const value = ctx.args[1];
  if (value) return value;
  throw new BrainError("bad_input", `Name the host: \`brain cloud ${ctx.args[0]} HOST\`.`, {
    hint: "For example `brain cloud allow-host gpu-box.local:11434`.",
  });
}

function allow(ctx: CliContext): void {
  const allowed = ctx.brain().cloud.allowHost(hostArg(ctx));
  ctx.print(
    { allowed: true, ...allowed },
    `Ollama at ${allowed.host} may now receive your memories for embedding and answers; #private ones are never sent. ` +
      "Every request is in `brain ledger`; withdraw with `brain cloud revoke-host " +
      `${allowed.host}\`.`,
  );
}

function revoke(ctx: CliContext): void {
  const host = hostArg(ctx);
  const changed = ctx.brain().cloud.revokeHost(host);
  ctx.print(
    { revoked: changed },
    changed ? `${host} is no longer allowed: nothing more is sent there.` : `${host} was not allowed.`,
  );
}

function hosts(ctx: CliContext): void {
  const list = ctx.brain().cloud.hosts();
  ctx.print({ hosts: list }, () =>
    list.length
      ? [
          "Model hosts on other machines you allowed:",
          ...list.map((h) => `  ${h.host}  since ${h.allowed_at}`),
        ].join("\n")
      : "No model host on another machine is allowed: Ollama is used only on this machine.",
  );
}
