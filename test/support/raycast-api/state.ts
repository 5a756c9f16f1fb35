import { fileURLToPath } from "node:url";

/**
 * What the @raycast/api test double records and what a test sets up: preferences, the selected
 * text, the clipboard, the answers to confirmation alerts, and every toast, HUD, alert and opened
 * URL. Tests read and set it through `raycast`; `resetRaycast()` runs before each test.
 */

/** A toast's action button, as a person would press it. */
export interface RecordedToastAction {
  title: string;
  onAction(toast: unknown): unknown;
}

export interface RecordedToast {
  style: string;
  title: string;
  message?: string;
  primaryAction?: RecordedToastAction;
  hidden: boolean;
}

export interface RecordedAlert {
  title: string;
  message?: string;
  primaryTitle?: string;
  answer: boolean;
}

export interface RaycastState {
  preferences: Record<string, unknown>;
  environment: {
    assetsPath: string;
    supportPath: string;
    commandName: string;
    extensionName: string;
    isDevelopment: boolean;
    launchType: string;
    raycastVersion: string;
    theme: string;
    textSize: string;
    appearance: string;
    commandMode: string;
    ownerOrAuthorName: string;
    canAccess: () => boolean;
  };
  /** The frontmost app's selection; null makes getSelectedText fail as Raycast does. */
  selectedText: string | null;
  clipboard: string;
  copied: string[];
  pasted: string[];
  toasts: RecordedToast[];
  huds: string[];
  /** The options each showHUD call was given, in order (e.g. `clearRootSearch`). */
  hudOptions: { clearRootSearch?: boolean; popToRootType?: string }[];
  alerts: RecordedAlert[];
  /** Answers to the next confirmAlert calls, in order. A call with none queued fails the test. */
  confirmAnswers: boolean[];
  opened: string[];
  launched: { name: string; context?: unknown }[];
  poppedToRoot: number;
  closedMainWindow: number;
  localStorage: Map<string, string>;
}

/**
 * The project's own assets folder: @raycast/utils reads `../package.json` from it (the author).
 * Empty when the double is itself bundled (the built-extension test sets it).
 */
const ASSETS = import.meta.url ? fileURLToPath(new URL("../../../assets", import.meta.url)) : "";

function fresh(): RaycastState {
  return {
    preferences: {},
    environment: {
      assetsPath: ASSETS,
      supportPath: "/nonexistent/support",
      commandName: "test",
      extensionName: "local-brain",
      isDevelopment: true,
      launchType: "userInitiated",
      raycastVersion: "1.104.0",
      theme: "dark",
      textSize: "medium",
      appearance: "dark",
      commandMode: "view",
      ownerOrAuthorName: "local-brain",
      canAccess: () => true,
    },
    selectedText: null,
    clipboard: "",
    copied: [],
    pasted: [],
    toasts: [],
    huds: [],
    hudOptions: [],
    alerts: [],
    confirmAnswers: [],
    opened: [],
    launched: [],
    poppedToRoot: 0,
    closedMainWindow: 0,
    localStorage: new Map(),
  };
}

/** The live state; its fields are replaced in place by `resetRaycast`, so references stay valid. */
export const raycast: RaycastState = fresh();

/** Puts the double back to a clean state. */
export function resetRaycast(): void {
  const { environment, ...rest } = fresh();
  Object.assign(raycast, rest);
  Object.assign(raycast.environment, environment);
}

/** The last toast shown, for assertions. */
export function lastToast(): RecordedToast | undefined {
  return raycast.toasts.at(-1);
}
