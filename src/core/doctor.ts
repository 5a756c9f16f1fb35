import os from "node:os";
import { checkOllama, macPermissions, type Permissions } from "./adapters/index.ts";
import type { Brain, Check } from "./brain.ts";
import { countDuplicates } from "./graph/index.ts";
import { checkFtsIntegrity, FTS_REBUILD_SQL } from "./store/index.ts";
import { toBrainError, type SecretStore } from "./base/index.ts";
import { describeDiskAccess, jobsDiskAccess } from "./jobs/index.ts";

export type { Check } from "./brain.ts";

export interface DoctorDeps {
  /** The OS secret store, or a function that throws why there is none. */
  secretStore?: () => SecretStore;
  /** The OS; Full Disk Access is checked on macOS only. `process.platform` by default. */
  platform?: NodeJS.Platform;
  /** macOS permissions; node-mac-permissions by default ("unknown" without it). */
  permissions?: Permissions;
  /** Where ~/Library/LaunchAgents is; the user's home by default. */
  home?: string;
}

/**
 * Checks everything Local Brain depends on and says what to do about each problem: the
 * database and its keyword index, Ollama and both models, pending embeddings, the secret store,
 * and on macOS Full Disk Access for the Node binary the background jobs run.
 *
 * @example
 * for (const check of await runDoctor(brain)) console.log(check.status, check.name, check.detail);
 */
export async function runDoctor(brain: Brain, deps: DoctorDeps = {}): Promise<Check[]> {
  const checks: Check[] = [databaseCheck(brain), keywordIndexCheck(brain)];
  const { ollamaHost, embedModel, chatModel } = brain.config;
  for (const [name, model] of [
    ["embedding model", embedModel],
    ["chat model", chatModel],
  ] as const) {
    const status = await checkOllama({ host: ollamaHost, model });
    checks.push(
      status.error
        ? { name, status: "fail", detail: status.error.message, fix: status.error.hint }
        : { name, status: "ok", detail: `${model} on Ollama ${status.version ?? ""} at ${ollamaHost}` },
    );
  }
  checks.push((await import("./structured-route.ts")).structuredCheck(await brain.structured()));
  const pending = brain.status().embedding.pending;
  checks.push(
    pending === 0
      ? { name: "embeddings", status: "ok", detail: "every memory has vectors" }
      : {
          name: "embeddings",
          status: "warn",
          detail: `${pending} memories wait to be embedded`,
          fix: "Run `brain embed`, or install the background job with `brain jobs install`.",
        },
  );
  checks.push(duplicatesCheck(brain));
  if (deps.secretStore) checks.push(await secretStoreCheck(deps.secretStore));
  if ((deps.platform ?? process.platform) === "darwin") checks.push(fullDiskAccessCheck(brain, deps));
  return checks;
}

function databaseCheck(brain: Brain): Check {
  const result = brain.db.pragma("quick_check", { simple: true });
  return result === "ok"
    ? { name: "database", status: "ok", detail: `${brain.config.dbPath} (${brain.status().schema_version})` }
    : {
        name: "database",
        status: "fail",
        detail: `quick_check: ${String(result)}`,
        fix: "Restore the newest backup: `brain backup list`, then `brain restore FILE --to PATH`.",
      };
}

function keywordIndexCheck(brain: Brain): Check {
  try {
    checkFtsIntegrity(brain.db);
    return { name: "keyword index", status: "ok", detail: "FTS5 index matches the entries" };
  } catch (err) {
    return {
      name: "keyword index",
      status: "fail",
      detail: toBrainError(err).message,
      fix: `Rebuild it: \`sqlite3 brain.db "${FTS_REBUILD_SQL}"\`.`,
    };
  }
}

function duplicatesCheck(brain: Brain): Check {
  const pairs = countDuplicates(brain.db);
  return pairs === 0
    ? { name: "duplicates", status: "ok", detail: "no memories that say the same" }
    : {
        name: "duplicates",
        status: "warn",
        detail: `${pairs} ${pairs === 1 ? "pair" : "pairs"} of memories say the same`,
        fix: "See them with `brain duplicates`; merge one with `brain duplicates merge KEEP OTHER`.",
      };
}

async function secretStoreCheck(open: () => SecretStore): Promise<Check> {
  try {
    const store = open();
    await store.get("local-brain", "doctor-probe");
    return { name: "secret store", status: "ok", detail: `${store.name} answers` };
  } catch (err) {
    const error = toBrainError(err, "secret_store_unavailable");
    return { name: "secret store", status: "fail", detail: error.message, fix: error.hint };
  }
}

/**
 * macOS: Full Disk Access for the Node the launchd jobs run. ok when granted, warn when not granted
 * or unknown, fail when a job's last run was refused (EPERM), whatever the answer.
 */
function fullDiskAccessCheck(brain: Brain, deps: DoctorDeps): Check {
  const name = "full disk access";
  try {
    const access = jobsDiskAccess({
      config: brain.config,
      home: deps.home ?? os.homedir(),
      permissions: deps.permissions ?? macPermissions("darwin"),
    });
    if (access.denied) {
      const detail = `the ${access.denied.job} job's last run was refused (EPERM); ${describeDiskAccess(access)}`;
      return { name, status: "fail", detail, fix: access.fix };
    }
    return access.status === "authorized"
      ? { name, status: "ok", detail: describeDiskAccess(access) }
      : { name, status: "warn", detail: describeDiskAccess(access), fix: access.fix };
  } catch (err) {
    const error = toBrainError(err);
    return { name, status: "warn", detail: error.message, fix: error.hint };
  }
}
