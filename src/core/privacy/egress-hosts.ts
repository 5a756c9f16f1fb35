import { isIP } from "node:net";
import { readMeta, writeMeta, type Db } from "../db/index.ts";
import type { Destination } from "./egress.ts";
import { BrainError } from "../base/index.ts";

/**
 * Which model hosts are on this machine, and the person's consent for those that are not. A host
 * is decided from the URL's text alone (no DNS lookup, no connection): `localhost`, 127.0.0.0/8 and
 * ::1 are this machine; anything else is remote and refused until `brain cloud allow-host HOST`.
 * Consent is kept in `meta.remote_hosts`, shared by the CLI, Raycast, the MCP server and the jobs.
 */

const META_NAME = "remote_hosts";

export interface AllowedHost {
  /** `hostname:port`, lower case. */
  host: string;
  allowed_at: string;
}

/**
 * True when the URL's host is this machine, decided without any lookup.
 *
 * @example
 * isLoopbackUrl("http://127.0.0.2:11434") // true
 * isLoopbackUrl("http://ollama.invalid:11434") // false
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return false; // not a URL: nothing shows it is this machine
  }
  // Only the name itself: `*.localhost` should mean this machine too (RFC 6761), but Node asks the
  // system's resolver for it, and a hosts file or DNS answer can send such a name anywhere.
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  // The URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  if (isIP(host) === 6) return host === "::1" || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host);
  return false;
}

/** `hostname:port` of a URL (or of what a person typed: `gpu-box`, `gpu-box:11434`), lower case. */
export function hostKey(value: string, defaultPort = "11434"): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? value.trim() : `http://${value.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BrainError("bad_input", `"${value}" is not a host name.`, {
      hint: "For example `brain cloud allow-host gpu-box.local:11434`.",
    });
  }
  const port = url.port || (/^https:/i.test(text) ? "443" : defaultPort);
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** The remote hosts the person allowed. */
export function listAllowedHosts(db: Db): AllowedHost[] {
  const value = readMeta(db, META_NAME);
  if (value === undefined) return [];
  try {
    const list = JSON.parse(value) as AllowedHost[];
    return Array.isArray(list) ? list.filter((h) => typeof h?.host === "string") : [];
  } catch {
    return [];
  }
}

function saveHosts(db: Db, hosts: AllowedHost[]): void {
  writeMeta(db, META_NAME, JSON.stringify(hosts));
}

/**
 * Allows a remote model host. Memories tagged #private are still never sent there.
 *
 * @example
 * allowHost(db, "gpu-box.local", new Date()) // { host: "gpu-box.local:11434", allowed_at: "…" }
 */
export function allowHost(db: Db, value: string, now: Date): AllowedHost {
  const host = hostKey(value);
  const hosts = listAllowedHosts(db).filter((h) => h.host !== host);
  const allowed = { host, allowed_at: now.toISOString() };
  saveHosts(db, [...hosts, allowed]);
  return allowed;
}

/** Withdraws consent for a host; true when it was allowed. */
export function revokeHost(db: Db, value: string): boolean {
  const host = hostKey(value);
  const hosts = listAllowedHosts(db);
  const kept = hosts.filter((h) => h.host !== host);
  if (kept.length === hosts.length) return false;
  saveHosts(db, kept);
  return true;
}

/** The refusal of a model host that is not this machine, with the way to allow it. */
export function remoteHostRefused(url: string): BrainError {
  const host = hostKey(url);
  return new BrainError(
    "remote_host_not_allowed",
    `Ollama at ${new URL(url).origin} is not on this machine, so nothing was sent there.`,
    {
      hint:
        `If you trust that host with your memories, allow it with \`brain cloud allow-host ${host}\` ` +
        "(#private memories are never sent; `brain cloud hosts` lists allowed hosts, `brain cloud revoke-host HOST` withdraws); " +
        "or point OLLAMA_HOST at a local Ollama.",
    },
  );
}

/**
 * The destination class of the Ollama at `url`: `local` on this machine, `remote` when the person
 * allowed that host. Throws `remote_host_not_allowed` otherwise, before anything is sent.
 *
 * @example
 * ollamaDestination(db, "http://127.0.0.1:11434").class // "local"
 */
export function ollamaDestination(db: Db, url: string): Destination {
  if (isLoopbackUrl(url)) return { class: "local", road: "ollama", name: new URL(url).host };
  const host = hostKey(url);
  if (!listAllowedHosts(db).some((h) => h.host === host)) throw remoteHostRefused(url);
  return { class: "remote", road: "remote-ollama", name: host };
}

/** The default cloud endpoint of each provider. */
export const DEFAULT_CLOUD_BASE_URL = "https://api.anthropic.com";

/**
 * A cloud base URL as the person gave it: https, or http to this machine (a test server).
 *
 * @example
 * checkCloudBaseUrl("https://gateway.example.com/anthropic") // "https://gateway.example.com/anthropic"
 */
export function checkCloudBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BrainError("bad_input", `"${value}" is not a URL.`, {
      hint: "For example `--base-url https://api.anthropic.com`.",
    });
  }
  const local = url.protocol === "http:" && isLoopbackUrl(url.href);
  if (url.protocol !== "https:" && !local) {
    throw new BrainError(
      "bad_input",
      `The cloud endpoint ${url.origin} is not https, so the key would travel in clear.`,
      {
        hint: "Use an https:// URL (plain http only to this machine, for tests).",
      },
    );
  }
  return url.href.replace(/\/$/, "");
}
