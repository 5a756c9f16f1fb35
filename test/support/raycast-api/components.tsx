// The double's components: see index.tsx.
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
import { raycast } from "./state.ts";
import { Clipboard, open } from "./system.ts";

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
