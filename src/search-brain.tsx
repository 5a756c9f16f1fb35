export { default } from "./commands/search-brain.tsx";
