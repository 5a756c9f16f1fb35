import { detectSecretStore } from "../../core/adapters/keychain.ts";
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
} from "../../core/cloud-consent.ts";
import { BrainError, toBrainError } from "../../core/errors.ts";
import type { SecretStore } from "../../core/ports.ts";
import { stringFlag, type CliCommand, type CliContext } from "../command.ts";
import { readSecret } from "../io.ts";

const ACTIONS = ["enable", "disable", "status", "set-key"] as const;
type Action = (typeof ACTIONS)[number];

export const cloud: CliCommand = {
  name: "cloud",
  summary: "Allow, withdraw or inspect the use of a cloud model for `brain ask`",
  usage:
    "cloud enable anthropic [--model M] | disable [--forget-key] | status | set-key [anthropic] (key on stdin)",
  options: {
    model: { type: "string" },
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
  );
  const key = await keyState(ctx, consent.provider);
  ctx.print({ enabled: true, ...consent, key: key.state }, () =>
    [
      `Cloud use enabled: ${consent.provider}, model ${consent.model}.`,
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
        `Cloud use is on since ${consent.enabled_at}: ${consent.provider}, model ${consent.model}.`,
        `API key: ${key.state}${key.problem ? ` (${key.problem})` : ""}.`,
        "Disable with `brain cloud disable`; `brain ledger` lists every cloud call.",
      ].join("\n"),
  );
}
