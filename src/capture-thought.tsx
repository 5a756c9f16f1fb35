export { default } from "./commands/capture-thought.tsx";
