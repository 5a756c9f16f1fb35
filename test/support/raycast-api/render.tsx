import { act, type ReactElement } from "react";
import { create, type ReactTestInstance, type ReactTestRenderer } from "react-test-renderer";
import { NavigationRoot } from "./index.tsx";

// Tells React that updates happen inside act(), as in every React test setup.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const WAIT_LIMIT_MS = 15_000;

/** What a person sees of a rendered command, and what they can do with it. */
export interface Screen {
  /** Host nodes of `type` in the visible view, optionally with matching props. */
  all(type: string, where?: Record<string, unknown>): ReactTestInstance[];
  /** The one host node of `type` (with matching props) in the visible view; throws otherwise. */
  one(type: string, where?: Record<string, unknown>): ReactTestInstance;
  /** The action (or menu bar item) titled `title` in the visible view, or inside `scope`. */
  action(title: string, scope?: ReactTestInstance): ReactTestInstance;
  /** Titles of every action in the visible view, in order. */
  actionTitles(): string[];
  /** Runs the action titled `title` (inside `scope`, if given) as a person choosing it would. */
  run(title: string, scope?: ReactTestInstance): Promise<void>;
  /**
   * Chooses the action titled `title` without waiting for it to end, to look at the screen while it
   * works; the returned function waits for it.
   */
  start(title: string, scope?: ReactTestInstance): Promise<() => Promise<void>>;
  /** Types `value` into the form field or dropdown with this id. */
  type(id: string, value: unknown): Promise<void>;
  /** Types into the list's search bar. */
  searchFor(text: string): Promise<void>;
  /** Every visible string: titles, subtitles, markdown, accessories, messages. */
  texts(): string[];
  /** Waits until `check` returns something truthy (and returns it); fails with `what` and the screen. */
  waitFor<T>(check: () => T | undefined | null | false, what: string): Promise<T>;
  /** Lets pending promises and effects settle. */
  settle(): Promise<void>;
  /** A readable outline of the visible view, for failure messages. */
  dump(): string;
  unmount(): Promise<void>;
}

/**
 * Renders a command inside the double's navigation root.
 *
 * @example
 * const screen = await renderCommand(<SearchBrain />);
 * await screen.searchFor("pnpm");
 * await screen.waitFor(() => screen.texts().includes("switched to pnpm"), "the entry");
 */
export async function renderCommand(element: ReactElement): Promise<Screen> {
  let renderer: ReactTestRenderer | undefined;
  await act(async () => {
    renderer = quietly(() => create(<NavigationRoot>{element}</NavigationRoot>));
  });
  const root = renderer!;
  const view = () => {
    const views = root.root.findAll((n) => n.type === "View" && n.props.visible === true);
    if (!views[0]) throw new Error("Nothing is visible.");
    return views[0];
  };
  const screen: Screen = {
    all: (type, where = {}) => view().findAll((n) => n.type === type && matches(n.props, where)),
    one: (type, where = {}) => {
      const found = screen.all(type, where);
      if (found.length !== 1) {
        throw new Error(
          `Expected one ${type} ${JSON.stringify(where)}, found ${found.length}:\n${screen.dump()}`,
        );
      }
      return found[0]!;
    },
    action: (title, scope) => {
      const found = (scope ?? view()).findAll((n) => isAction(n) && n.props.title === title);
      if (!found[0]) throw new Error(`No action "${title}". Actions: ${screen.actionTitles().join(", ")}`);
      return found[0];
    },
    actionTitles: () =>
      view()
        .findAll(isAction)
        .map((n) => String(n.props.title)),
    run: async (title, scope) => {
      const node = screen.action(title, scope);
      await act(async () => {
        await (node.props.onAction as () => unknown)();
      });
    },
    start: async (title, scope) => {
      const node = screen.action(title, scope);
      let pending: Promise<unknown> = Promise.resolve();
      await act(async () => {
        pending = Promise.resolve((node.props.onAction as () => unknown)());
      });
      return () =>
        act(async () => {
          await pending;
        });
    },
    type: async (id, value) => {
      const node = view().findAll(
        (n) => typeof n.type === "string" && n.props.id === id && "onChange" in n.props,
      )[0];
      if (!node) throw new Error(`No field "${id}":\n${screen.dump()}`);
      await act(async () => {
        (node.props.onChange as (v: unknown) => void)(value);
      });
    },
    searchFor: async (text) => {
      const list = screen.one("List");
      await act(async () => {
        (list.props.onSearchTextChange as (t: string) => void)(text);
      });
    },
    texts: () => texts(view()),
    waitFor: async (check, what) => {
      const deadline = Date.now() + WAIT_LIMIT_MS;
      for (;;) {
        const value = check();
        if (value) return value;
        if (Date.now() > deadline)
          throw new Error(`Gave up waiting for ${what}. The screen:\n${screen.dump()}`);
        await screen.settle();
      }
    },
    settle: async () => {
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
    },
    dump: () => dump(view(), 0),
    unmount: async () => {
      await act(async () => root.unmount());
    },
  };
  return screen;
}

function isAction(node: ReactTestInstance): boolean {
  return (
    typeof node.type === "string" &&
    /^(Action(\.|$)|MenuBarExtra\.Item$)/.test(node.type) &&
    typeof node.props.onAction === "function"
  );
}

function matches(props: Record<string, unknown>, where: Record<string, unknown>): boolean {
  return Object.entries(where).every(([key, value]) => props[key] === value);
}

const TEXT_PROPS = [
  "title",
  "subtitle",
  "text",
  "markdown",
  "message",
  "description",
  "tooltip",
  "navigationTitle",
];

function ownTexts(node: ReactTestInstance): string[] {
  const out: string[] = [];
  for (const key of TEXT_PROPS) {
    const value = node.props[key];
    if (typeof value === "string" && value !== "") out.push(value);
    if (value && typeof value === "object" && "value" in value)
      out.push(String((value as { value: unknown }).value));
  }
  for (const accessory of (node.props.accessories as Record<string, unknown>[] | undefined) ?? []) {
    for (const key of ["text", "tag", "tooltip"]) {
      const value = accessory[key];
      if (typeof value === "string") out.push(value);
      else if (value && typeof value === "object" && "value" in value)
        out.push(String((value as { value: unknown }).value));
    }
  }
  return out;
}

function texts(node: ReactTestInstance): string[] {
  const own = typeof node.type === "string" ? ownTexts(node) : [];
  return [...own, ...node.children.flatMap((child) => (typeof child === "string" ? [child] : texts(child)))];
}

function dump(node: ReactTestInstance, depth: number): string {
  const pad = "  ".repeat(depth);
  const children = node.children.map((c) => (typeof c === "string" ? `${pad}  "${c}"` : dump(c, depth + 1)));
  if (typeof node.type !== "string") return children.join("\n");
  const own = ownTexts(node).map((t) => JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t));
  return [`${pad}${node.type} ${own.join(" ")}`.trimEnd(), ...children].join("\n");
}

/** react-test-renderer warns on every render that it is deprecated; the tests know. */
function quietly<T>(fn: () => T): T {
  const error = console.error;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("react-test-renderer is deprecated")) return;
    error(...args);
  };
  try {
    return fn();
  } finally {
    console.error = error;
  }
}
