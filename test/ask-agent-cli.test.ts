import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BRAIN_BIN, runBrain, startProcess, type CliRun } from "./support/cli.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { tempDir } from "./support/tmp.ts";

/** `brain ask --agent` in a child process against the fake Ollama's scripted tool calls. */

let ollama: FakeOllamaServer;
let db: string;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 64 });
  db = path.join(tempDir(), "brain.db");
});
afterEach(async () => {
  await ollama.close();
});

function brain(args: string[]): Promise<CliRun> {
  return runBrain(args, { db, env: { OLLAMA_HOST: ollama.url } });
}

const QUESTION = "who was in the meeting where we chose Stripe?";
/** What the retrieval before the loop says (the same as `brain ask`): nothing is embedded here. */
const RETRIEVAL_NOTES =
  "Understood: decisions first.\n" +
  "Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes). Showing keyword results.\n";

async function meetingNotes(): Promise<void> {
  for (const text of [
    "We chose Stripe for billing #decision #pricing-meeting",
    "Attendees: @maria and @tom #pricing-meeting",
  ]) {
    expect((await brain(["capture", text])).code).toBe(0);
  }
  ollama.replyTurns([
    { calls: [{ name: "search", arguments: { query: "chose stripe", mode: "keyword" } }] },
    { calls: [{ name: "related", arguments: { target: "#pricing-meeting", depth: 1 } }] },
    { content: "Maria and Tom [2], where Stripe was chosen [1]." },
  ]);
}

describe("brain ask --agent", () => {
  it("prints one line per call as it happens, then the answer and its sources", async () => {
    await meetingNotes();
    const run = await brain(["ask", "--agent", QUESTION]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `${RETRIEVAL_NOTES}search: chose stripe → 1 result\nrelated: #pricing-meeting → 2 results\n`,
    );
    expect(run.stdout).toBe(
      "Maria and Tom [2], where Stripe was chosen [1].\n\nSources:\n" +
        "  [1] #1  We chose Stripe for billing #decision #pricing-meeting\n" +
        "  [2] #2  Attendees: @maria and @tom #pricing-meeting\n",
    );
  });

  it("prints one JSON event per call, then the answer, with --json", async () => {
    await meetingNotes();
    const run = await brain(["ask", "--agent", QUESTION, "--json"]);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(["step", "step", "answer"]);
    expect(events[0]).toEqual({
      event: "step",
      step: 1,
      tool: "search",
      args: { query: "chose stripe", mode: "keyword" },
      label: "chose stripe",
      outcome: "1 result",
      ok: true,
      ids: [1],
    });
    expect(events[1]).toMatchObject({ step: 2, tool: "related", ids: [2] });
    expect(events[2]).toMatchObject({
      answer: "Maria and Tom [2], where Stripe was chosen [1].",
      citations: [
        { n: 1, id: 1 },
        { n: 2, id: 2 },
      ],
      route: "local",
      abstained: false,
      steps: 2,
    });
    expect(run.stderr).toBe("");
  });

  it("stops at --max-steps and refuses --max-steps without --agent", async () => {
    await meetingNotes();
    ollama.replyTurns((request) =>
      request.tools
        ? { calls: [{ name: "search", arguments: { query: "chose stripe", mode: "keyword" } }] }
        : { content: "Stripe [1]." },
    );
    const run = await brain(["ask", "--agent", "--max-steps", "1", QUESTION]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `${RETRIEVAL_NOTES}search: chose stripe → 1 result\nStopped after 1 step: answered from what was read.\n`,
    );
    const plain = await brain(["ask", "--max-steps", "1", QUESTION]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("--max-steps goes with --agent.");
  });

  it("ends cleanly on Ctrl-C (SIGINT) during a step", async () => {
    await meetingNotes();
    ollama.replyTurns([
      { calls: [{ name: "search", arguments: { query: "chose stripe", mode: "keyword" } }] },
      { hang: true },
    ]);
    const run = startProcess(process.execPath, [BRAIN_BIN, "ask", "--agent", QUESTION], {
      BRAIN_DB: db,
      OLLAMA_HOST: ollama.url,
    });
    await expect.poll(() => ollama.requestsTo("/api/chat").length, { timeout: 10_000 }).toBe(2);
    run.child.kill("SIGINT");
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `${RETRIEVAL_NOTES}search: chose stripe → 1 result\nbrain: Stopped: the question was cancelled.\n`,
    );
    await expect.poll(() => ollama.requestsTo("/api/chat")[1]?.closedEarly).toBe(true);
  });
});
