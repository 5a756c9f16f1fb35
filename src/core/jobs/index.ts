/** Installing and inspecting the background jobs (launchd, systemd). */
export * from "./access.ts";
export * from "./control.ts";
export * from "./jobs.ts";
export * from "./runner.ts";
export * from "./shared.ts";
