import type { CliCommand } from "../command.ts";
import { capture } from "./capture.ts";
import { embed } from "./embed.ts";
import { doctor } from "./doctor.ts";
import { del, edit, get, list } from "./entries.ts";
import { search } from "./search.ts";
import { status } from "./status.ts";
import { jobs } from "./jobs.ts";

/** Every `brain` command, in the order `brain help` lists them. */
export const commands: CliCommand[] = [capture, get, list, edit, del, search, embed, status, doctor, jobs];
