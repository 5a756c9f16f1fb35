import { BrainError } from "../base/index.ts";

/** The kinds of memory: a note by default; the others change how search and ask weigh it. */
export const KINDS = ["note", "fact", "preference", "decision", "state"] as const;
export type Kind = (typeof KINDS)[number];

/** The kind, or a `bad_input` error naming the kinds there are. */
export function assertKind(kind: string): Kind {
  if ((KINDS as readonly string[]).includes(kind)) return kind as Kind;
  throw new BrainError("bad_input", `Unknown kind "${kind}".`, { hint: `Use one of: ${KINDS.join(", ")}.` });
}
