/**
 * Remembers query embeddings, so typing (or re-running) the same text does not ask the model
 * again. Least recently used entries go first.
 */
export class QueryVectorCache {
  private readonly map = new Map<string, Float32Array>();
  private readonly max: number;

  constructor(max = 256) {
    this.max = max;
  }

  get(model: string, text: string): Float32Array | undefined {
    const key = `${model}\n${text}`;
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(model: string, text: string, vector: Float32Array): void {
    const key = `${model}\n${text}`;
    this.map.delete(key);
    this.map.set(key, vector);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
