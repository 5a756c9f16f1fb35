import type { JsonSchema } from "../../src/core/enrich/json-schema.ts";

/**
 * A value that matches `schema`, built the same way every time: the first enum value, "sample"
 * strings, the smallest allowed numbers, one item per array. What the fake Ollama and the fake
 * Apple Foundation Models helper answer when a test scripts nothing else.
 *
 * @example
 * sampleFor({ type: "object", properties: { kind: { type: "string", enum: ["fact"] } } }) // { kind: "fact" }
 */
export function sampleFor(schema: JsonSchema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sampleFor(v)]));
    case "array": {
      const count = Math.min(Math.max(schema.minItems ?? 1, 1), schema.maxItems ?? 1);
      return Array.from({ length: count }, () => (schema.items ? sampleFor(schema.items) : null));
    }
    case "string":
      return (
        schema.enum?.[0] ?? "sample".padEnd(schema.minLength ?? 0, "x").slice(0, schema.maxLength ?? 100)
      );
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    default:
      return null;
  }
}
