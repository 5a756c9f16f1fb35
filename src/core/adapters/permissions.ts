import { createRequire } from "node:module";

/**
 * macOS privacy permissions, behind a port. The adapter uses `node-mac-permissions`, an optional
 * macOS-only dependency compiled at install: when it is missing (Linux, a failed compile, the
 * bundled Raycast extension), every answer is "unknown" and nothing else changes. Tests use
 * recorded answers.
 */

export type PermissionKind = "accessibility" | "full-disk-access";

/** node-mac-permissions' answers, plus "unknown" when it cannot be asked. */
export type PermissionStatus =
  | "authorized"
  | "denied"
  | "not determined"
  | "restricted"
  | "limited"
  | "unknown";

export interface Permissions {
  /** What macOS answers for this process (or the app responsible for it, e.g. Raycast). */
  status(kind: PermissionKind): PermissionStatus;
}

/** The System Settings pane where each permission is granted. */
export const PRIVACY_PANES: Record<PermissionKind, string> = {
  accessibility: "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility",
  "full-disk-access": "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles",
};

/** Where each pane is, in words. */
export const PRIVACY_PANE_NAMES: Record<PermissionKind, string> = {
  accessibility: "System Settings → Privacy & Security → Accessibility",
  "full-disk-access": "System Settings → Privacy & Security → Full Disk Access",
};

interface MacPermissionsModule {
  getAuthStatus(kind: string): string;
}

const KNOWN = new Set(["authorized", "denied", "not determined", "restricted", "limited"]);

/**
 * The real adapter: `node-mac-permissions` on macOS, loaded by name at run time so bundlers leave
 * it alone; "unknown" for everything when it is absent or this is not macOS.
 *
 * @example
 * macPermissions().status("full-disk-access"); // "denied"
 */
export function macPermissions(
  platform: NodeJS.Platform = process.platform,
  load: () => MacPermissionsModule | null = loadModule,
): Permissions {
  let module: MacPermissionsModule | null | undefined;
  return {
    status(kind) {
      if (platform !== "darwin") return "unknown";
      module ??= safely(load);
      const answer = module ? safely(() => module!.getAuthStatus(kind)) : null;
      return answer && KNOWN.has(answer) ? (answer as PermissionStatus) : "unknown";
    },
  };
}

function loadModule(): MacPermissionsModule | null {
  // import.meta.url is empty in a bundle without its own node_modules: then there is nothing to load.
  const here: unknown = import.meta.url;
  if (typeof here !== "string" || here === "") return null;
  const name = "node-mac-permissions";
  return createRequire(here)(name) as MacPermissionsModule;
}

function safely<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}
