import type { Brain } from "../core/brain.ts";

/** How long a capture's own embedding may take before it is left to the background job. */
const EMBED_SOON_MS = 15_000;

/**
 * Embeds one just-captured (or edited) entry now, so meaning search finds it within seconds
 * instead of after the next five-minute job. Quiet by design: when Ollama is down, slow, or the
 * background embedder is already running, the job embeds it later. True when it was embedded.
 *
 * @example
 * const { entry } = brain.entries.capture({ text });
 * await embedSoon(brain, entry.id);
 */
export async function embedSoon(brain: Brain, entryId: number): Promise<boolean> {
  try {
    const report = await brain.embed({ entryId, signal: AbortSignal.timeout(EMBED_SOON_MS) });
    return report.embedded === 1;
  } catch {
    return false;
  }
}
