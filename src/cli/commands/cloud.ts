import { detectSecretStore } from "../../core/adapters/index.ts";
import {
  CLOUD_KEY_SERVICE,
  CLOUD_PROVIDERS,
  cloudKeyAccount,
  disableCloud,
  enableCloud,
  isProvider,
  readCloudConsent,
  storeCloudKey,
  type CloudProvider,
  allowHost,
  listAllowedHosts,
  revokeHost,
} from "../../core/privacy/index.ts";
import { BrainError, toBrainError, type SecretStore } from "../../core/base/index.ts";
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

function secretStore(ctx: CliContext): SecretStore {
  return detectSecretStore(process.platform, { env: ctx.io.env as NodeJS.ProcessEnv });
}

async function enable(ctx: CliContext): Promise<void> {
  const consent = enableCloud(
    ctx.brain().db,
    providerArg(ctx, true),
    stringFlag(ctx.flags, "model"),
    new Date(),
    stringFlag(ctx.flags, "base-url"),
  );
  const key = await keyState(ctx, consent.provider);
  ctx.print({ enabled: true, ...consent, key: key.state }, () =>
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
  const was = readCloudConsent(ctx.brain().db);
  const changed = disableCloud(ctx.brain().db);
  const forget = ctx.flags["forget-key"] === true;
  if (forget) await secretStore(ctx).delete(CLOUD_KEY_SERVICE, cloudKeyAccount(was?.provider ?? "anthropic"));
  ctx.print({ enabled: false, changed, key_forgotten: forget }, () =>
    [
      changed ? "Cloud use disabled: every question stays on this machine." : "Cloud use was not enabled.",
      forget ? "The API key was removed from the secret store." : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );
}

async function setKey(ctx: CliContext): Promise<void> {
  const provider = providerArg(ctx, false);
  const store = secretStore(ctx);
  const key = await readSecret(ctx.io, `Paste the ${provider} API key and press Enter: `);
  await storeCloudKey(store, provider, key);
  ctx.print({ provider, stored_in: store.name }, `The ${provider} API key is stored in the ${store.name}.`);
}

async function keyState(
  ctx: CliContext,
  provider: CloudProvider,
): Promise<{ state: "stored" | "missing" | "unavailable"; problem?: string }> {
  try {
    const key = await secretStore(ctx).get(CLOUD_KEY_SERVICE, cloudKeyAccount(provider));
    return { state: key ? "stored" : "missing" };
  } catch (err) {
    return { state: "unavailable", problem: toBrainError(err, "secret_store_unavailable").sentence };
  }
}

async function status(ctx: CliContext): Promise<void> {
  const consent = readCloudConsent(ctx.brain().db);
  if (!consent) {
    ctx.print(
      { enabled: false },
      "Cloud use is off: every question is answered on this machine. Enable it with `brain cloud enable anthropic`.",
    );
    return;
  }
  const key = await keyState(ctx, consent.provider);
  ctx.print(
    { enabled: true, ...consent, key: key.state, ...(key.problem ? { problem: key.problem } : {}) },
    () =>
      [
        `Cloud use is on since ${consent.enabled_at}: ${consent.provider}, model ${consent.model}, at ${consent.base_url}.`,
        `API key: ${key.state}${key.problem ? ` (${key.problem})` : ""}.`,
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
  const allowed = allowHost(ctx.brain().db, hostArg(ctx), new Date());
  ctx.print(
    { allowed: true, ...allowed },
    `Ollama at ${allowed.host} may now receive your memories for embedding and answers; #private ones are never sent. ` +
      "Every request is in `brain ledger`; withdraw with `brain cloud revoke-host " +
      `${allowed.host}\`.`,
  );
}

function revoke(ctx: CliContext): void {
  const host = hostArg(ctx);
  const changed = revokeHost(ctx.brain().db, host);
  ctx.print(
    { revoked: changed },
    changed ? `${host} is no longer allowed: nothing more is sent there.` : `${host} was not allowed.`,
  );
}

function hosts(ctx: CliContext): void {
  const list = listAllowedHosts(ctx.brain().db);
  ctx.print({ hosts: list }, () =>
    list.length
      ? [
          "Model hosts on other machines you allowed:",
          ...list.map((h) => `  ${h.host}  since ${h.allowed_at}`),
        ].join("\n")
      : "No model host on another machine is allowed: Ollama is used only on this machine.",
  );
}
