export { default } from "./commands/brain-status.tsx";
