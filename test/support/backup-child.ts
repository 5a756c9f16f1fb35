// A separate process that takes one backup through the core, printing each event's name as it
// happens: the kill test SIGKILLs it at random points. `node backup-child.ts DB BACKUP_DIR
// OFFSITE_DIR` with the test key (base64) on stdin, so it never appears in argv or the environment.
import { runBackup } from "../../src/core/backup/backup.ts";
import { BACKUP_KEY_ACCOUNT, BACKUP_KEY_SERVICE } from "../../src/core/backup/key.ts";
import { resolveConfig } from "../../src/core/base/config.ts";
import { MemorySecretStore } from "./memory-secret-store.ts";

const [dbPath, backupDir, offsiteDir] = process.argv.slice(2);
let key = "";
for await (const chunk of process.stdin) key += String(chunk);
const secrets = new MemorySecretStore();
await secrets.set(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, key.trim());
const config = resolveConfig({ dbPath, backupDir, offsiteDir: offsiteDir || null }, {});
await runBackup(config, { secrets, onEvent: (event) => process.stdout.write(`${event.event}\n`) });
