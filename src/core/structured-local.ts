import net from "node:net";
import { BrainError } from "./errors.ts";
import { describeModel, type StructuredModel } from "./structured.ts";

/**
 * True when a URL's host is this machine: `localhost`, 127.0.0.0/8 or ::1 (also written as an
 * IPv4-mapped IPv6 address). A name that could resolve anywhere else is not.
 *
 * @example
 * isLoopbackUrl("http://127.0.0.1:11434") // true
 * isLoopbackUrl("http://gpu-box.lan:11434") // false
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  const address = mapped ?? host;
  if (net.isIPv4(address)) return address.split(".")[0] === "127";
  return net.isIPv6(address) && /^(0*:)*:?0*1$/.test(address);
}

/**
 * Refuses a structured model that is not on this machine. Structured tasks (enrichment, the
 * digest) send memory text to the model; until such text can pass the privacy boundary with a
 * ledger record, it goes only to a model on this Mac.
 *
 * @example
 * assertLocal(model, "The digest");
 */
export function assertLocal(model: StructuredModel, what: string): void {
  if (model.local) return;
  throw new BrainError(
    "structured_not_local",
    `${what} runs only on a model on this machine, and ${describeModel(model)} is not on a loopback address.`,
    {
      hint: "Point OLLAMA_HOST at this machine (http://127.0.0.1:11434), or install the Apple Foundation Models helper.",
    },
  );
}
