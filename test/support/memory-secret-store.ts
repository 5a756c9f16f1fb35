import { BrainError } from "../../src/core/base/errors.ts";
import type { SecretStore } from "../../src/core/base/ports.ts";

/**
 * An in-memory {@link SecretStore} for tests. Set `failure` to make every call throw it, e.g. to
 * play a locked keyring:
 *
 * @example
 * const secrets = new MemorySecretStore();
 * secrets.failure = new BrainError("secret_store_unavailable", "The keyring is locked.");
 */
export class MemorySecretStore implements SecretStore {
  readonly name = "memory";
  /** When set, every call throws this error. */
  failure: BrainError | undefined;
  private readonly items = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [key, secret] of Object.entries(initial)) this.items.set(key, secret);
  }

  async get(service: string, account: string): Promise<string | null> {
    this.check();
    return this.items.get(MemorySecretStore.key(service, account)) ?? null;
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    this.check();
    this.items.set(MemorySecretStore.key(service, account), secret);
  }

  async delete(service: string, account: string): Promise<void> {
    this.check();
    this.items.delete(MemorySecretStore.key(service, account));
  }

  /** How many secrets are stored. */
  get size(): number {
    return this.items.size;
  }

  /** The key of `initial` entries: `service/account`. */
  static key(service: string, account: string): string {
    return `${service}/${account}`;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
