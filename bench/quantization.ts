// `node bench/quantization.ts [N] [QUERIES]`: how much of the exact float32 top 10 each stored
// vector form keeps when every one of N bench vectors is rescored (no candidate limit): the
// ceiling a form sets on vector search's recall, whatever the candidate count. Streams the
// vectors, so N can be a million (slow: about 1 ms a vector on 2 busy cores).
import { cosineWithResidual, encodeResidual } from "../src/core/embed/residuals.ts";
import { cosineToStored, encodeInt8, normalize } from "../src/core/embed/vector-math.ts";
import { seeded } from "./lib.ts";
import { DIM, vectorStream } from "./vector-data.ts";

const N = Number(process.argv[2] ?? 100_000);
const QUERIES = Number(process.argv[3] ?? 20);

/** int8 with a float32 scale per `block` components (block 64 is migration 012's form), decoded. */
function int8Float32Scales(v: Float32Array, block: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let from = 0; from < v.length; from += block) {
    const part = v.subarray(from, from + block);
    const scale = part.reduce((m, x) => Math.max(m, Math.abs(x)), 0) / 127;
    part.forEach((x, i) => (out[from + i] = scale > 0 ? Math.round(x / scale) * scale : 0));
  }
  return normalize(out);
}

function float16(v: Float32Array): Float32Array {
  return v.map((x) => {
    if (x === 0) return 0;
    const step = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
    return Math.round(x / step) * step;
  });
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** The bench's queries (vector-data.ts): stored vectors moved a little. */
function queries(): Float32Array[] {
  const random = seeded(11);
  const plan = Array.from({ length: QUERIES }, () => ({
    base: Math.floor(random() * N),
    noise: Float32Array.from({ length: DIM }, () => (random() - 0.5) * 0.02),
  }));
  const last = Math.max(...plan.map((p) => p.base));
  const found: Float32Array[] = new Array(QUERIES);
  let i = 0;
  for (const v of vectorStream(last + 1)) {
    plan.forEach((p, k) => {
      if (p.base === i) found[k] = normalize(Float32Array.from(v, (x, d) => x + p.noise[d]!));
    });
    i++;
  }
  return found;
}

/** What a brain's 100,000th and later chunks keep (migration 018's residuals_from). */
const RESIDUALS_FROM = 100_000;

/** Each form: from a stored vector and its place in the stream, its score against a query. */
const decoded = (d: Float32Array) => (q: Float32Array) => dot(q, d);
const forms: Record<string, (v: Float32Array, id: number) => (q: Float32Array) => number> = {
  "float32 (exact)": decoded,
  "int8, float32 scale per 64 (migration 012)": (v) => decoded(int8Float32Scales(v, 64)),
  "int8, float32 scale per 32": (v) => decoded(int8Float32Scales(v, 32)),
  "int8, float32 scale per 16": (v) => decoded(int8Float32Scales(v, 16)),
  "int8, stepped scale per 16 (alone: what a brain stores below residuals_from)": (v) => {
    const stored = encodeInt8(v);
    return (q) => cosineToStored(q, stored, DIM);
  },
  "int8 with residuals (every vector)": (v) => {
    const stored = encodeInt8(v);
    const residual = encodeResidual(v, stored);
    return (q) => cosineWithResidual(q, stored, residual, DIM);
  },
  [`as stored now: int8 with residuals from the ${RESIDUALS_FROM.toLocaleString("en")}th vector on`]: (
    v,
    id,
  ) => {
    const stored = encodeInt8(v);
    const residual = id >= RESIDUALS_FROM ? encodeResidual(v, stored) : null;
    return (q) => (residual ? cosineWithResidual(q, stored, residual, DIM) : cosineToStored(q, stored, DIM));
  },
  float16: (v) => decoded(float16(v)),
};

const qs = queries();
const names = Object.keys(forms);
const tops = names.map(() => qs.map(() => [] as { id: number; s: number }[]));
let id = 0;
for (const v of vectorStream(N)) {
  names.forEach((name, f) => {
    const score = forms[name]!(v, id);
    qs.forEach((q, k) => {
      const top = tops[f]![k]!;
      const s = score(q);
      if (top.length < 10 || s > top[top.length - 1]!.s) {
        top.push({ id, s });
        top.sort((a, b) => b.s - a.s);
        if (top.length > 10) top.pop();
      }
    });
  });
  id++;
}
const exact = tops[0]!.map((top) => new Set(top.map((t) => t.id)));
console.log(
  `${N.toLocaleString("en")} vectors, ${QUERIES} queries, every vector rescored: recall@10 against float32`,
);
names.forEach((name, f) => {
  const found = tops[f]!.reduce((sum, top, k) => sum + top.filter((t) => exact[k]!.has(t.id)).length, 0);
  console.log(`- ${name}: ${(found / (QUERIES * 10)).toFixed(3)}`);
});
