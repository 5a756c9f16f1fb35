/**
 * A test double of `@raycast/api`, aliased in vitest.config.ts. Components render to plain host
 * nodes named after the Raycast component ("List.Item", "Action.SubmitForm"...) with their props,
 * so a test can find what a person would see and call what they would do (`onAction`,
 * `onSearchTextChange`, a field's `onChange`). Element-valued props (`actions`, `detail`,
 * `metadata`, `searchBarAccessory`) are rendered as children so they can be found too. Functions
 * (toasts, alerts, clipboard, preferences) read and write `raycast` in ./state.ts.
 */
export * from "./components.tsx";
export * from "./system.ts";
