/** Chunking and embedding entries, and the vectors meaning search reads. */
export * from "./embedder.ts";
export * from "./vector-math.ts";
export * from "./vector-models.ts";
export * from "./vectors.ts";
export { entryVectors, rescoreEntries, type VectorHit } from "./chunk-scores.ts";
