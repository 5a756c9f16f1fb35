/**
 * A test double of `@raycast/api`, aliased in vitest.config.ts. Components render to plain host
 * nodes named after the Raycast component ("List.Item", "Action.SubmitForm"...) with their props,
 * so a test can find what a person would see and call what they would do (`onAction`,
 * `onSearchTextChange`, a field's `onChange`). Element-valued props (`actions`, `detail`,
 * `metadata`, `searchBarAccessory`) are rendered as children so they can be found too. Functions
 * (toasts, alerts, clipboard, preferences) read and write `raycast` in ./state.ts.
 */
import {
  Children,
  createContext,
  createElement,
  isValidElement,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactElement,
  type ReactNode,
} from "react";
import { raycast, type RecordedToast } from "./state.ts";

type Props = Record<string, unknown> & { children?: ReactNode };
type Component = (props: Props) => ReactElement;

/** A component that renders to the host node `type`, moving element-valued `slots` into its children. */
function host(type: string, slots: string[] = []): Component {
  const Host = ({ children, ...props }: Props) => {
    const rest: Props = { ...props };
    const slotted = slots.map((slot) => rest[slot] as ReactNode).filter((node) => node != null);
    for (const slot of slots) delete rest[slot];
    return createElement(type, rest, ...slotted, children);
  };
  Host.displayName = type;
  return Host;
}

// Navigation: every pushed view stays mounted (Raycast keeps their state); only the top is visible.

interface Navigation {
  push(view: ReactNode, onPop?: () => void): void;
  pop(): void;
}

const NavigationContext = createContext<Navigation | null>(null);

/** Wraps a command the way Raycast does: a navigation stack whose top view is the visible one. */
export function NavigationRoot({ children }: { children: ReactNode }) {
  const [stack, setStack] = useState<{ view: ReactNode; onPop?: () => void }[]>([]);
  const navigation = useMemo<Navigation>(
    () => ({
      push: (view, onPop) => setStack((s) => [...s, { view, onPop }]),
      pop: () =>
        setStack((s) => {
          s.at(-1)?.onPop?.();
          return s.slice(0, -1);
        }),
    }),
    [],
  );
  const views = [children, ...stack.map((s) => s.view)];
  return createElement(
    NavigationContext.Provider,
    { value: navigation },
    views.map((view, i) =>
      createElement("View", { key: i, depth: i, visible: i === views.length - 1 }, view),
    ),
  );
}

export function useNavigation(): { push(view: ReactNode): void; pop(): void } {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error("useNavigation outside a command: render it with renderCommand.");
  return { push: (view) => navigation.push(view), pop: () => navigation.pop() };
}

export async function popToRoot(): Promise<void> {
  raycast.poppedToRoot += 1;
}

export async function closeMainWindow(): Promise<void> {
  raycast.closedMainWindow += 1;
}

// Forms: fields keep their own value unless controlled, and report it to the form's SubmitForm.

const FormContext = createContext<Map<string, unknown> | null>(null);

function firstItemValue(children: ReactNode): unknown {
  for (const child of Children.toArray(children)) {
    if (!isValidElement(child)) continue;
    const props = child.props as Props;
    if (props.value !== undefined) return props.value;
    const nested = firstItemValue(props.children);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

function field(type: string, empty: unknown, pickFirst = false): Component {
  const Field = ({ children, ...props }: Props) => {
    const values = useContext(FormContext);
    const [own, setOwn] = useState<unknown>(
      () => props.defaultValue ?? (pickFirst ? firstItemValue(children) : undefined) ?? empty,
    );
    const value = props.value !== undefined ? props.value : own;
    if (values && typeof props.id === "string") values.set(props.id, value);
    const onChange = (next: unknown) => {
      setOwn(next);
      (props.onChange as ((v: unknown) => void) | undefined)?.(next);
    };
    return createElement(type, { ...props, value, onChange }, children);
  };
  Field.displayName = type;
  return Field;
}

function FormRoot({ children, actions, ...props }: Props) {
  const values = useRef(new Map<string, unknown>()).current;
  return createElement(
    FormContext.Provider,
    { value: values },
    createElement("Form", props, actions as ReactNode, children),
  );
}

export const Form = Object.assign(FormRoot, {
  TextArea: field("Form.TextArea", ""),
  TextField: field("Form.TextField", ""),
  PasswordField: field("Form.PasswordField", ""),
  Checkbox: field("Form.Checkbox", false),
  Dropdown: Object.assign(field("Form.Dropdown", "", true), {
    Item: host("Form.Dropdown.Item"),
    Section: host("Form.Dropdown.Section"),
  }),
  TagPicker: Object.assign(field("Form.TagPicker", []), { Item: host("Form.TagPicker.Item") }),
  Description: host("Form.Description"),
  Separator: host("Form.Separator"),
});

// Actions: each renders a host node with a `title` and an `onAction` a test can call.

function SubmitForm({ onSubmit, ...props }: Props) {
  const values = useContext(FormContext);
  const submit = () =>
    (onSubmit as ((v: Record<string, unknown>) => unknown) | undefined)?.(Object.fromEntries(values ?? []));
  return createElement("Action.SubmitForm", { title: "Submit Form", ...props, onAction: submit });
}

function Push({ target, onPush, onPop, ...props }: Props) {
  const navigation = useContext(NavigationContext);
  const push = () => {
    navigation?.push(target as ReactNode, onPop as (() => void) | undefined);
    (onPush as (() => void) | undefined)?.();
  };
  return createElement("Action.Push", { ...props, onAction: push });
}

function CopyToClipboard({ content, onCopy, ...props }: Props) {
  const copy = async () => {
    await Clipboard.copy(String(content));
    (onCopy as ((c: unknown) => void) | undefined)?.(content);
  };
  return createElement("Action.CopyToClipboard", {
    title: "Copy to Clipboard",
    content,
    ...props,
    onAction: copy,
  });
}

function Paste({ content, ...props }: Props) {
  const paste = () => Clipboard.paste(String(content));
  return createElement("Action.Paste", { title: "Paste", content, ...props, onAction: paste });
}

function OpenInBrowser({ url, ...props }: Props) {
  return createElement("Action.OpenInBrowser", {
    title: "Open in Browser",
    url,
    ...props,
    onAction: () => open(String(url)),
  });
}

function OpenAction({ target, ...props }: Props) {
  return createElement("Action.Open", { ...props, target, onAction: () => open(String(target)) });
}

export const Action = Object.assign(host("Action"), {
  SubmitForm,
  Push,
  CopyToClipboard,
  Paste,
  OpenInBrowser,
  Open: OpenAction,
  Style: { Regular: "regular", Destructive: "destructive" },
});

export const ActionPanel = Object.assign(host("ActionPanel"), {
  Section: host("ActionPanel.Section"),
  Submenu: host("ActionPanel.Submenu"),
});

// Views.

const Metadata = Object.assign(host("Metadata"), {
  Label: host("Metadata.Label"),
  Link: host("Metadata.Link"),
  Separator: host("Metadata.Separator"),
  TagList: Object.assign(host("Metadata.TagList"), { Item: host("Metadata.TagList.Item") }),
});

export const List = Object.assign(host("List", ["searchBarAccessory"]), {
  Item: Object.assign(host("List.Item", ["detail", "actions"]), {
    Detail: Object.assign(host("List.Item.Detail", ["metadata"]), { Metadata }),
  }),
  Section: host("List.Section"),
  EmptyView: host("List.EmptyView", ["actions"]),
  Dropdown: Object.assign(field("List.Dropdown", "", true), {
    Item: host("List.Dropdown.Item"),
    Section: host("List.Dropdown.Section"),
  }),
});

export const Detail = Object.assign(host("Detail", ["metadata", "actions"]), { Metadata });

export const MenuBarExtra = Object.assign(host("MenuBarExtra"), {
  Item: host("MenuBarExtra.Item"),
  Section: host("MenuBarExtra.Section"),
  Separator: host("MenuBarExtra.Separator"),
  Submenu: host("MenuBarExtra.Submenu"),
});

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
