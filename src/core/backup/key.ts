/**
 * The backup master key: 32 random bytes, made on first use and kept only in the OS secret store
 * (macOS Keychain, Secret Service on Linux) as base64, under service `local-brain`, account
 * `backup-key`. It never goes into a file, an environment variable, a process argument or a log.
 */
import { createMasterKey, keyIdOf, MASTER_KEY_BYTES } from "./crypto.ts";
import { BrainError, type SecretStore } from "../base/index.ts";

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
  "If you kept the key from `brain backup export-key`, store it again with `brain backup import-key` (it reads " +
  "the key from stdin, or asks for it).";

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

export interface ImportedKey {
  keyId: string;
  /** "stored": there was no key; "unchanged": the same key was there; "replaced": --force. */
  outcome: "stored" | "unchanged" | "replaced";
  /** The id of the key that was replaced, when there was a readable one. */
  replacedKeyId?: string;
}

/**
 * Stores a key kept from `brain backup export-key` (base64 of 32 bytes, whitespace around it
 * ignored) in the secret store, so backups made with it open on this machine. A different key
 * already there is kept, and BrainError `backup_exists` thrown, unless `force`: backups made with
 * the key it replaces then open only with that old key. Malformed input throws `bad_input`
 * without quoting it. The key is read back from the store before this returns.
 *
 * @example
 * const { keyId, outcome } = await importBackupKey(secrets, keyFromStdin, { force: false });
 */
export async function importBackupKey(
  secrets: SecretStore,
  text: string,
  options: { force: boolean },
): Promise<ImportedKey> {
  const key = parseKey(text);
  if (!key) throw notAKey();
  const keyId = keyIdOf(key);
  const stored = await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
  const current = stored === null ? null : parseKey(stored);
  if (current?.equals(key)) return { keyId, outcome: "unchanged" };
  const currentId = current ? keyIdOf(current) : undefined;
  if (stored !== null && !options.force) throw anotherKeyThere(secrets.name, currentId, keyId);
  await secrets.set(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, key.toString("base64"));
  const back = await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
  if (back === null || !parseKey(back)?.equals(key)) {
    throw new BrainError("secret_store_unavailable", `The ${secrets.name} did not keep the backup key.`, {
      hint: "Check that the keyring is unlocked and writable, then run `brain backup import-key` again.",
    });
  }
  return {
    keyId,
    outcome: stored === null ? "stored" : "replaced",
    ...(currentId ? { replacedKeyId: currentId } : {}),
  };
}

/** Input that is not a key; the message never quotes it. */
function notAKey(): BrainError {
  return new BrainError(
    "bad_input",
    `That is not a Local Brain backup key: expected one line of base64 for ${MASTER_KEY_BYTES} bytes (44 characters), as \`brain backup export-key\` prints it.`,
    { hint: "Pipe in only the key: `brain backup import-key < key.txt`, or paste it when asked." },
  );
}

/** The refusal to replace what the store holds without --force. */
function anotherKeyThere(storeName: string, currentId: string | undefined, keyId: string): BrainError {
  const what = currentId
    ? `a different backup key (key id ${currentId})`
    : "an item that is not a backup key";
  return new BrainError(
    "backup_exists",
    `The ${storeName} already holds ${what} under ${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT}; nothing was changed.`,
    {
      hint:
        `Backups made with the key there open only with that key: save it first (\`brain backup export-key\`), ` +
        `then run \`brain backup import-key --force\` to replace it with key ${keyId}.`,
    },
  );
}

/** The 32-byte key in `text` (canonical base64, whitespace around it ignored), or null. */
function parseKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  return key.length === MASTER_KEY_BYTES && key.toString("base64") === trimmed ? key : null;
}

/** The 32-byte key from its stored base64 (whitespace around it is ignored). */
function decodeKey(stored: string, storeName: string): Buffer {
  const key = parseKey(stored);
  if (!key) {
    // The message never quotes the stored value: it may be a secret of some other kind.
    throw new BrainError(
      "secret_missing",
      `The ${storeName} item ${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT} does not hold a backup key (base64 of ${MASTER_KEY_BYTES} bytes).`,
      { hint: `Delete that item only if no backup needs it. ${PUT_BACK_HINT}` },
    );
  }
  return key;
}
