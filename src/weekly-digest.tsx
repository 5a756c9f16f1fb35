export { default } from "./commands/weekly-digest.tsx";
