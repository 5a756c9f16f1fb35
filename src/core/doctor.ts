import { checkOllama } from "./adapters/index.ts";
import type { Brain, Check } from "./brain.ts";
import { countDuplicates } from "./graph/index.ts";
import { toBrainError, type SecretStore } from "./base/index.ts";

export type { Check } from "./brain.ts";

export interface DoctorDeps {
  /** The OS secret store, or a function that throws why there is none. */
  secretStore?: () => SecretStore;
}

/**
 * Checks everything Local Brain depends on and says what to do about each problem: the
 * database and its keyword index, Ollama and both models, pending embeddings, the secret store.
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
  checks.push(await (await import("./structured-route.ts")).structuredCheck(brain.config));
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
    brain.db.exec("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)");
    return { name: "keyword index", status: "ok", detail: "FTS5 index matches the entries" };
  } catch (err) {
    return {
      name: "keyword index",
      status: "fail",
      detail: toBrainError(err).message,
      fix: "Rebuild it: `sqlite3 brain.db \"INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')\"`.",
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
