import { readMeta, writeMeta, type Db } from "../db/index.ts";
import { BrainError } from "../base/index.ts";

/**
 * The enrichment setting, in the database's `meta` table so the CLI, the background job and
 * Raycast share it: whether `brain embed` enriches after embedding, and which suggestions are
 * applied without asking (`kind`, `tags`: only tags already in use).
 */

export const AUTO_ACCEPT_FIELDS = ["kind", "tags"] as const;
export type AutoAcceptField = (typeof AUTO_ACCEPT_FIELDS)[number];

export interface EnrichSettings {
  enabled: boolean;
  auto_accept: AutoAcceptField[];
}

const META_NAME = "enrichment";
const OFF: EnrichSettings = { enabled: false, auto_accept: [] };

/** The current setting (off until turned on). */
export function readEnrichSettings(db: Db): EnrichSettings {
  const stored = readMeta(db, META_NAME);
  if (stored === undefined) return OFF;
  try {
    const value = JSON.parse(stored) as Partial<EnrichSettings>;
    return {
      enabled: value.enabled === true,
      auto_accept: (value.auto_accept ?? []).filter((f) =>
        (AUTO_ACCEPT_FIELDS as readonly string[]).includes(f),
      ),
    };
  } catch {
    return OFF;
  }
}

/** Stores the setting. */
export function writeEnrichSettings(db: Db, settings: EnrichSettings): void {
  writeMeta(db, META_NAME, JSON.stringify(settings));
}

/**
 * Reads `--auto-accept kind,tags` (or `none`).
 *
 * @example
 * parseAutoAccept("tags,kind") // ["kind", "tags"]
 */
export function parseAutoAccept(value: string): AutoAcceptField[] {
  const words = value
    .split(",")
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 1 && words[0] === "none") return [];
  for (const word of words) {
    if (!(AUTO_ACCEPT_FIELDS as readonly string[]).includes(word)) {
      throw new BrainError("bad_input", `--auto-accept "${word}" is not one of kind, tags, none.`, {
        hint: "For example --auto-accept kind,tags.",
      });
    }
  }
  return AUTO_ACCEPT_FIELDS.filter((f) => words.includes(f));
}
