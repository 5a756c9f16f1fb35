/**
 * The backup master key: 32 random bytes, made on first use and kept only in the OS secret store
 * (macOS Keychain, Secret Service on Linux) as base64, under service `local-brain`, account
 * `backup-key`. It never goes into a file, an environment variable, a process argument or a log.
 */
import { createMasterKey, keyIdOf, MASTER_KEY_BYTES } from "./crypto.ts";
import { BrainError } from "./errors.ts";
import type { SecretStore } from "./ports.ts";

export const BACKUP_KEY_SERVICE = "local-brain";
export const BACKUP_KEY_ACCOUNT = "backup-key";

export interface BackupKey {
  key: Buffer;
  /** The key's public id, as in every backup header. */
  keyId: string;
  /** True when this call made the key (the first backup). */
  created: boolean;
}

const PUT_BACK_HINT =
  "If you kept the key from `brain backup export-key`, store it again: on a Mac `security add-generic-password " +
  "-s local-brain -a backup-key -w` (it asks for the key), on Linux `secret-tool store --label='Local Brain " +
  "backup key' service local-brain account backup-key` (it reads the key).";

/**
 * Reads the backup key from the secret store; with `create`, makes and stores one when there is
 * none. A missing or unreachable store throws BrainError `secret_store_unavailable` (from the
 * adapter): there is no fallback to a key in a file.
 *
 * @example
 * const { key, created } = await loadBackupKey(secrets, { create: true });
 */
export async function loadBackupKey(secrets: SecretStore, options: { create: boolean }): Promise<BackupKey> {
  const stored = await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
  if (stored !== null) {
    const key = decodeKey(stored, secrets.name);
    return { key, keyId: keyIdOf(key), created: false };
  }
  if (!options.create) {
    throw new BrainError("secret_missing", `There is no backup key in the ${secrets.name}.`, {
      hint: `Backups can only be opened with the key they were made with. ${PUT_BACK_HINT}`,
    });
  }
  const key = createMasterKey();
  await secrets.set(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, key.toString("base64"));
  // Read it back: a store that accepted the key but cannot return it would make unopenable backups.
  const back = await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
  if (back === null || !decodeKey(back, secrets.name).equals(key)) {
    throw new BrainError("secret_store_unavailable", `The ${secrets.name} did not keep the new backup key.`, {
      hint: "Check that the keyring is unlocked and writable, then run `brain backup` again.",
    });
  }
  return { key, keyId: keyIdOf(key), created: true };
}

/** The 32-byte key from its stored base64 (whitespace around it is ignored). */
function decodeKey(stored: string, storeName: string): Buffer {
  const text = stored.trim();
  const key = Buffer.from(text, "base64");
  if (key.length !== MASTER_KEY_BYTES || key.toString("base64") !== text) {
    // The message never quotes the stored value: it may be a secret of some other kind.
    throw new BrainError(
      "secret_missing",
      `The ${storeName} item ${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT} does not hold a backup key (base64 of ${MASTER_KEY_BYTES} bytes).`,
      { hint: `Delete that item only if no backup needs it. ${PUT_BACK_HINT}` },
    );
  }
  return key;
}
