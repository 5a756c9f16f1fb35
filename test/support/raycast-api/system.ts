// The double's functions and constants: see index.tsx.
import { raycast, type RecordedToast, type RecordedToastAction } from "./state.ts";

// Feedback.

export class Toast implements RecordedToast {
  static Style = { Success: "SUCCESS", Failure: "FAILURE", Animated: "ANIMATED" };
  style: string;
  title: string;
  message?: string;
  primaryAction?: RecordedToastAction;
  hidden = false;

  constructor(options: ToastOptions) {
    this.style = options.style ?? Toast.Style.Success;
    this.title = options.title;
    this.message = options.message;
    this.primaryAction = options.primaryAction;
  }

  async show(): Promise<void> {
    this.hidden = false;
  }

  async hide(): Promise<void> {
    this.hidden = true;
  }
}

interface ToastOptions {
  style?: string;
  title: string;
  message?: string;
  primaryAction?: RecordedToastAction;
}

export async function showToast(
  options: ToastOptions | string,
  title?: string,
  message?: string,
): Promise<Toast> {
  const toast = new Toast(
    typeof options === "string" ? { style: options, title: title ?? "", message } : options,
  );
  raycast.toasts.push(toast);
  return toast;
}

export async function showHUD(
  title: string,
  options?: { clearRootSearch?: boolean; popToRootType?: string },
): Promise<void> {
  raycast.huds.push(title);
  raycast.hudOptions.push(options ?? {});
}

export const PopToRootType = { Default: "default", Immediate: "immediate", Suspended: "suspended" };

export const Alert = { ActionStyle: { Default: "DEFAULT", Cancel: "CANCEL", Destructive: "DESTRUCTIVE" } };

export async function confirmAlert(options: {
  title: string;
  message?: string;
  primaryAction?: { title?: string };
}): Promise<boolean> {
  const answer = raycast.confirmAnswers.shift();
  if (answer === undefined) throw new Error(`confirmAlert("${options.title}") called with no answer queued.`);
  raycast.alerts.push({
    title: options.title,
    message: options.message,
    primaryTitle: options.primaryAction?.title,
    answer,
  });
  return answer;
}

// The system.

function clipText(content: unknown): string {
  if (typeof content === "string" || typeof content === "number") return String(content);
  const c = content as { text?: string; html?: string; file?: string };
  return c.text ?? c.html ?? c.file ?? "";
}

export const Clipboard = {
  async copy(content: unknown): Promise<void> {
    raycast.clipboard = clipText(content);
    raycast.copied.push(raycast.clipboard);
  },
  async paste(content: unknown): Promise<void> {
    raycast.pasted.push(clipText(content));
  },
  async readText(): Promise<string | undefined> {
    return raycast.clipboard === "" ? undefined : raycast.clipboard;
  },
  async read(): Promise<{ text: string }> {
    return { text: raycast.clipboard };
  },
  async clear(): Promise<void> {
    raycast.clipboard = "";
  },
};

export async function getSelectedText(): Promise<string> {
  if (raycast.selectedText === null)
    throw new Error("Unable to get selected text from frontmost application");
  return raycast.selectedText;
}

export function getPreferenceValues<T>(): T {
  return { ...raycast.preferences } as T;
}

export const environment = raycast.environment;

export async function open(target: string): Promise<void> {
  raycast.opened.push(target);
}

export async function openExtensionPreferences(): Promise<void> {
  raycast.opened.push("raycast://extension-preferences");
}

export async function openCommandPreferences(): Promise<void> {
  raycast.opened.push("raycast://command-preferences");
}

export const LaunchType = { UserInitiated: "userInitiated", Background: "background" };

export async function launchCommand(options: { name: string; context?: unknown }): Promise<void> {
  raycast.launched.push({ name: options.name, context: options.context });
}

export async function updateCommandMetadata(): Promise<void> {}

export async function showInFinder(file: string): Promise<void> {
  raycast.opened.push(file);
}

export const LocalStorage = {
  async getItem(key: string): Promise<string | undefined> {
    return raycast.localStorage.get(key);
  },
  async setItem(key: string, value: unknown): Promise<void> {
    raycast.localStorage.set(key, String(value));
  },
  async removeItem(key: string): Promise<void> {
    raycast.localStorage.delete(key);
  },
  async allItems(): Promise<Record<string, string>> {
    return Object.fromEntries(raycast.localStorage);
  },
  async clear(): Promise<void> {
    raycast.localStorage.clear();
  },
};

/** Raycast's key-value cache (useCachedPromise keeps its last results here), in memory. Methods are
 * bound: @raycast/utils passes `subscribe` on by itself. */
export class Cache {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(key: string | undefined, data: string | undefined) => void>();
  constructor(_options?: { namespace?: string; capacity?: number }) {}
  get = (key: string): string | undefined => this.values.get(key);
  has = (key: string): boolean => this.values.has(key);
  set = (key: string, data: string): void => {
    this.values.set(key, data);
    for (const listener of this.listeners) listener(key, data);
  };
  remove = (key: string): boolean => {
    const had = this.values.delete(key);
    for (const listener of this.listeners) listener(key, undefined);
    return had;
  };
  clear = (): void => {
    this.values.clear();
    for (const listener of this.listeners) listener(undefined, undefined);
  };
  get isEmpty(): boolean {
    return this.values.size === 0;
  }
  subscribe = (listener: (key: string | undefined, data: string | undefined) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** Raycast AI and OAuth are not used by the commands; @raycast/utils imports them by name. */
export const AI = {
  ask(): never {
    throw new Error("Raycast AI is not available in the test double.");
  },
};
export const OAuth = { RedirectMethod: { Web: "web", App: "app", AppURI: "appURI" } };

/** Icons and colours are names here: any member exists and is its own name. */
const names = () => new Proxy({}, { get: (_target, name) => String(name) }) as Record<string, string>;

export const Icon = names();
export const Color = names();
export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } };
export const Keyboard = {
  Shortcut: {
    Common: new Proxy({}, { get: (_target, name) => ({ modifiers: ["cmd"], key: String(name) }) }) as Record<
      string,
      { modifiers: string[]; key: string }
    >,
  },
};
