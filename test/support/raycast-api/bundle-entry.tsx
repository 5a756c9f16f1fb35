// The double as one CommonJS module for the built extension's bundles (test/raycast-bundle.test.ts):
// `require("@raycast/api")` in a bundle gets the double's API, and the runner gets the renderer
// and the recorded state from the same module instance.
export * from "./index.tsx";
export { renderCommand } from "./render.tsx";
export { raycast, resetRaycast } from "./state.ts";
