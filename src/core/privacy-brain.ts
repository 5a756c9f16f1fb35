import {
  allowHost,
  CLOUD_KEY_SERVICE,
  cloudKeyAccount,
  disableCloud,
  enableCloud,
  ledgerTotals,
  listAllowedHosts,
  listLedger,
  readCloudConsent,
  readCloudKey,
  revokeHost,
  storeCloudKey,
  type AllowedHost,
  type CloudConsent,
  type CloudProvider,
  type LedgerQuery,
  type LedgerRecord,
  type RoadTotal,
} from "./privacy/index.ts";
import {
  BrainError,
  toBrainError,
  type ChatModel,
  type Clock,
  type SecretStore,
  type ToolChatModel,
} from "./base/index.ts";
import type { Db } from "./db/index.ts";

/** Whether the provider's API key is in the secret store, and why not when the store cannot say. */
export interface CloudKeyState {
  state: "stored" | "missing" | "unavailable";
  problem?: string;
}

/** The consent in force, or none; with the state of the provider's key (Anthropic's when off). */
export type CloudStatus =
  | { enabled: false; provider: CloudProvider; key: CloudKeyState }
  | (CloudConsent & { enabled: true; key: CloudKeyState });

/** Consent to use a cloud model, its API key, and the model hosts on other machines allowed. */
export interface CloudBrain {
  /** The consent in force (or none) and the state of its key. */
  status(): Promise<CloudStatus>;
  /** Records consent to use `provider`; returns it with the state of the key. */
  enable(
    provider: string,
    options?: { model?: string; baseUrl?: string },
  ): Promise<CloudConsent & { key: CloudKeyState }>;
  /** Withdraws consent; with `forgetKey`, also deletes the provider's API key from the secret store. */
  disable(options?: { forgetKey?: boolean }): Promise<{ changed: boolean; keyForgotten: boolean }>;
  /** Stores the provider's API key in the secret store; returns the store's name. */
  setKey(provider: CloudProvider, key: string): Promise<{ storedIn: string }>;
  /** Allows Ollama on another machine to receive memories (embedding, answers). */
  allowHost(host: string): AllowedHost;
  /** Withdraws that; true when the host was allowed. */
  revokeHost(host: string): boolean;
  hosts(): AllowedHost[];
}

/** What left this machine (the egress ledger). */
export interface LedgerBrain {
  list(query?: LedgerQuery): LedgerRecord[];
  totals(since?: Date): RoadTotal[];
}

/** The secret store a runtime lent, or a refusal that says how to reach one. */
export type SecretsSource = () => SecretStore;

/** When the runtime lent no secret store (Raycast): the CLI is where keys are kept. */
export const noSecretStore: SecretsSource = () => {
  throw new BrainError("secret_store_unavailable", "This runtime has no access to the OS secret store.", {
    hint: "Use the `brain` command line for API keys and backups.",
  });
};

/**
 * The cloud and ledger parts of a Brain. `db` opens the database on first use, so a runtime that
 * only handles keys never opens it for nothing.
 *
 * @example
 * const { cloud } = privacyBrain(() => db, systemClock, () => new MemorySecretStore());
 * await cloud.disable({ forgetKey: true });
 */
export function privacyBrain(
  db: () => Db,
  clock: Clock,
  secrets: SecretsSource,
): { cloud: CloudBrain; ledger: LedgerBrain } {
  const keyOf = (provider: CloudProvider) => keyState(secrets, provider);
  const cloud: CloudBrain = {
    status: async () => {
      const consent = readCloudConsent(db());
      if (!consent) return { enabled: false, provider: "anthropic", key: await keyOf("anthropic") };
      return { enabled: true, ...consent, key: await keyOf(consent.provider) };
    },
    enable: async (provider, options = {}) => {
      const consent = enableCloud(db(), provider, options.model, clock.now(), options.baseUrl);
      return { ...consent, key: await keyOf(consent.provider) };
    },
    disable: async (options = {}) => {
      const provider = readCloudConsent(db())?.provider ?? "anthropic";
      const changed = disableCloud(db());
      if (options.forgetKey) await secrets().delete(CLOUD_KEY_SERVICE, cloudKeyAccount(provider));
      return { changed, keyForgotten: options.forgetKey === true };
    },
    setKey: async (provider, key) => {
      const store = secrets();
      await storeCloudKey(store, provider, key);
      return { storedIn: store.name };
    },
    allowHost: (host) => allowHost(db(), host, clock.now()),
    revokeHost: (host) => revokeHost(db(), host),
    hosts: () => listAllowedHosts(db()),
  };
  const ledger: LedgerBrain = {
    list: (query) => listLedger(db(), query),
    totals: (since) => ledgerTotals(db(), since),
  };
  return { cloud, ledger };
}

async function keyState(secrets: SecretsSource, provider: CloudProvider): Promise<CloudKeyState> {
  try {
    const key = await secrets().get(CLOUD_KEY_SERVICE, cloudKeyAccount(provider));
    return { state: key ? "stored" : "missing" };
  } catch (err) {
    return { state: "unavailable", problem: toBrainError(err, "secret_store_unavailable").sentence };
  }
}

/**
 * The consented cloud model with its key from the secret store, read at the moment it is needed
 * (never before consent, never from a file or the environment); the provider's SDK is loaded only
 * then. The endpoint is the one stored with the consent.
 *
 * @example
 * const model = await cloudChatFromSecretStore(() => secrets)(consent);
 */
export function cloudChatFromSecretStore(
  secrets: SecretsSource,
): (consent: CloudConsent) => Promise<ChatModel> {
  return async (consent) => {
    const apiKey = await readCloudKey(secrets(), consent.provider);
    const { createAnthropicChat } = await import("./adapters/anthropic.ts");
    return createAnthropicChat({ apiKey, model: consent.model, baseURL: consent.base_url });
  };
}

/**
 * The consented cloud model for the agent loop (Anthropic tool use), with its key from the secret
 * store read at the moment it is needed, like {@link cloudChatFromSecretStore}.
 */
export function cloudToolChatFromSecretStore(
  secrets: SecretsSource,
): (consent: CloudConsent) => Promise<ToolChatModel> {
  return async (consent) => {
    const apiKey = await readCloudKey(secrets(), consent.provider);
    const { createAnthropicToolChat } = await import("./adapters/anthropic-tools.ts");
    return createAnthropicToolChat({ apiKey, model: consent.model, baseURL: consent.base_url });
  };
}
