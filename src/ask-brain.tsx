export { default } from "./commands/ask-brain.tsx";
