import { describe, expect, it } from "vitest";
import { LineGuard, requestIdOf, type OversizedLine } from "../src/mcp/transport.ts";

/** Feeds `chunks` through a guard and collects what it passes on and what it drops. */
async function guard(maxBytes: number, chunks: string[]) {
  const dropped: OversizedLine[] = [];
  const g = new LineGuard(maxBytes, (line) => dropped.push(line));
  let out = "";
  g.on("data", (d: Buffer) => (out += d.toString("utf8")));
  for (const chunk of chunks) g.write(chunk);
  g.end();
  await new Promise((resolve) => g.on("end", resolve));
  return { out, dropped };
}

describe("LineGuard", () => {
  it("passes whole lines on, however the input is split", async () => {
    const { out, dropped } = await guard(100, ['{"a"', ":1}\n{", '"b":2}\n', "partial"]);
    expect(out).toBe('{"a":1}\n{"b":2}\n');
    expect(dropped).toEqual([]);
  });

  it("drops a line over the limit, keeping its ends, and reads on", async () => {
    const big = `{"method":"tools/call","params":{"text":"${"x".repeat(5000)}"},"jsonrpc":"2.0","id":7}`;
    const chunks = [big.slice(0, 1000), big.slice(1000, 3000), `${big.slice(3000)}\n{"ok":1}\n`];
    const { out, dropped } = await guard(2000, chunks);
    expect(out).toBe('{"ok":1}\n');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.bytes).toBe(big.length);
    expect(dropped[0]!.head.startsWith('{"method":"tools/call"')).toBe(true);
    expect(dropped[0]!.tail.endsWith('"id":7}')).toBe(true);
    expect(requestIdOf(dropped[0]!)).toBe(7);
  });
});

describe("requestIdOf", () => {
  const line = (head: string, tail: string): OversizedLine => ({ bytes: 1, head, tail });

  it("finds the id at the end (the TypeScript SDK) or at the start (other clients)", () => {
    expect(requestIdOf(line('{"method":"tools/call",', ',"jsonrpc":"2.0","id":12}'))).toBe(12);
    expect(requestIdOf(line('{"jsonrpc":"2.0","id":"req-3","method":"tools/call"', 'xx"}}'))).toBe("req-3");
    expect(requestIdOf(line('{"id": 4, "jsonrpc": "2.0"', "}}"))).toBe(4);
  });

  it("does not take an id from inside the arguments", () => {
    expect(requestIdOf(line('{"method":"tools/call",', '"arguments":{"id":5}}}'))).toBeUndefined();
  });
});
