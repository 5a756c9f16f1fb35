/** The part of the WebAssembly API used here (Node has it; its type package does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Memory exported by a module: grown in pages of 64 KB. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * A loader for a module given as base64 (its .wat source beside the caller): compiled on first use,
 * and a fresh instance (its own memory) on every call.
 */
export function wasmModule<Exports>(base64: string): () => Exports {
  let compiled: object | undefined;
  return () => {
    compiled ??= new wasm.Module(Buffer.from(base64, "base64"));
    return new wasm.Instance(compiled).exports as Exports;
  };
}

/** Grows `memory` to hold at least `bytes`. */
export function reserveMemory(memory: WasmMemory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
}
