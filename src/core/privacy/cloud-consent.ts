import { deleteMeta, readMeta, writeMeta, type Db } from "../db/index.ts";
import { checkCloudBaseUrl, DEFAULT_CLOUD_BASE_URL } from "./egress-hosts.ts";
import { BrainError, type SecretStore } from "../base/index.ts";

/**
 * The person's consent to send questions to a cloud model: which provider and model, since when.
 * Kept in the database's `meta` table, so the CLI, Raycast and the MCP server see one setting. The
 * provider's API key lives only in the OS secret store, under {@link CLOUD_KEY_SERVICE}.
 */

export const CLOUD_PROVIDERS = ["anthropic"] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

export const DEFAULT_CLOUD_MODEL: Record<CloudProvider, string> = { anthropic: "claude-sonnet-5-5" };

/** The secret store service the API keys are kept under; the account is `<provider>-api-key`. */
export const CLOUD_KEY_SERVICE = "local-brain";

export interface CloudConsent {
  provider: CloudProvider;
  model: string;
  /** ISO time consent was given. */
  enabled_at: string;
  /**
   * The endpoint questions and the key go to, given with the consent (`--base-url`) or the
   * provider's own. Never taken from the environment (ANTHROPIC_BASE_URL is ignored).
   */
  base_url: string;
}

const META_NAME = "cloud_consent";

/** The consent in force, or null when no cloud provider is enabled. */
export function readCloudConsent(db: Db): CloudConsent | null {
  const stored = readMeta(db, META_NAME);
  if (stored === undefined) return null;
  try {
    const value = JSON.parse(stored) as Partial<CloudConsent>;
    if (!isProvider(value.provider) || typeof value.model !== "string") return null;
    let baseUrl = DEFAULT_CLOUD_BASE_URL;
    if (typeof value.base_url === "string") baseUrl = checkCloudBaseUrl(value.base_url);
    return {
      provider: value.provider,
      model: value.model,
      enabled_at: String(value.enabled_at ?? ""),
      base_url: baseUrl,
    };
  } catch {
    return null;
  }
}

/**
 * Records consent to use `provider` (and `model`, default per provider) at `baseUrl` (https, or
 * http to this machine; the provider's own endpoint by default).
 *
 * @example
 * enableCloud(db, "anthropic", undefined, new Date()); // { provider: "anthropic", model: "claude-sonnet-5-5", ... }
 */
export function enableCloud(
  db: Db,
  provider: string,
  model: string | undefined,
  now: Date,
  baseUrl?: string,
): CloudConsent {
  if (!isProvider(provider)) {
    throw new BrainError("bad_input", `"${provider}" is not a cloud provider Local Brain knows.`, {
      hint: `Use one of: ${CLOUD_PROVIDERS.join(", ")}.`,
    });
  }
  const name = model?.trim() || DEFAULT_CLOUD_MODEL[provider];
  const consent: CloudConsent = {
    provider,
    model: name,
    enabled_at: now.toISOString(),
    base_url: checkCloudBaseUrl(baseUrl ?? DEFAULT_CLOUD_BASE_URL),
  };
  writeMeta(db, META_NAME, JSON.stringify(consent));
  return consent;
}

/** Withdraws consent; true when a provider was enabled. */
export function disableCloud(db: Db): boolean {
  return deleteMeta(db, META_NAME);
}

export function isProvider(value: unknown): value is CloudProvider {
  return (CLOUD_PROVIDERS as readonly unknown[]).includes(value);
}

/** The secret store account of a provider's API key. */
export function cloudKeyAccount(provider: CloudProvider): string {
  return `${provider}-api-key`;
}

/**
 * Stores a provider's API key in the OS secret store (never a file, never the environment).
 *
 * @example
 * await storeCloudKey(secrets, "anthropic", keyFromStdin);
 */
export async function storeCloudKey(
  secrets: SecretStore,
  provider: CloudProvider,
  key: string,
): Promise<void> {
  const value = key.trim();
  if (value === "" || /\s/.test(value)) {
    throw new BrainError("bad_input", "The API key is empty or contains spaces, so it was not stored.", {
      hint: "Pipe exactly the key: `pbpaste | brain cloud set-key` (or paste it and press Ctrl-D).",
    });
  }
  await secrets.set(CLOUD_KEY_SERVICE, cloudKeyAccount(provider), value);
}

/** The provider's API key from the secret store; throws `secret_missing` with the way to set it. */
export async function readCloudKey(secrets: SecretStore, provider: CloudProvider): Promise<string> {
  const key = await secrets.get(CLOUD_KEY_SERVICE, cloudKeyAccount(provider));
  if (key) return key.trim();
  throw new BrainError("secret_missing", `No ${provider} API key is stored in the ${secrets.name}.`, {
    hint: "Store it with `brain cloud set-key` (it reads the key from stdin).",
  });
}
