// The double's functions and constants: see index.tsx.
import { raycast, type RecordedToast } from "./state.ts";

// Feedback.

export class Toast implements RecordedToast {
  static Style = { Success: "SUCCESS", Failure: "FAILURE", Animated: "ANIMATED" };
  style: string;
  title: string;
  message?: string;
  hidden = false;

  constructor(options: { style?: string; title: string; message?: string }) {
    this.style = options.style ?? Toast.Style.Success;
    this.title = options.title;
    this.message = options.message;
  }

  async show(): Promise<void> {
    this.hidden = false;
  }

  async hide(): Promise<void> {
    this.hidden = true;
  }
}

export async function showToast(
  options: { style?: string; title: string; message?: string } | string,
  title?: string,
  message?: string,
): Promise<Toast> {
  const toast = new Toast(
    typeof options === "string" ? { style: options, title: title ?? "", message } : options,
  );
  raycast.toasts.push(toast);
  return toast;
}

export async function showHUD(title: string): Promise<void> {
  raycast.huds.push(title);
}

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

/** Icons and colours are names here: any member exists and is its own name. */
const names = () => new Proxy({}, { get: (_target, name) => String(name) }) as Record<string, string>;

export const Icon = names();
export const Color = names();
export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } };
export const Keyboard = {
  Shortcut: {
    Common: new Proxy({}, { get: (_target, name) => ({ modifiers: ["cmd"], key: String(name) }) }),
  },
};
