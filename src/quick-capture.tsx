export { default } from "./commands/quick-capture.tsx";
