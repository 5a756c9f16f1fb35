export { default } from "./commands/about.tsx";
