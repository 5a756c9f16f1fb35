/**
 * The small part of JSON Schema the structured-task route uses, and a validator for exactly that
 * part. Ollama's `format` and the Apple Foundation Models helper both receive these schemas; what
 * comes back is checked here before anything is stored, because a model's constrained output can
 * still be cut short or (with older Ollama versions) ignore the schema.
 *
 * Supported: `type` (one name, or `[name, "null"]`), `enum` of strings, `properties`, `required`,
 * `additionalProperties: false`, `items`, `minItems`, `maxItems`, `minLength`, `maxLength`,
 * `minimum`, `maximum`, `description`. Anything else in a schema is a programming error.
 */

export type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

export interface JsonSchema {
  type: JsonType | [JsonType, "null"];
  description?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: false;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** Where a value breaks its schema, e.g. `$.tags[3]: more than 3 items`. */
export interface SchemaViolation {
  path: string;
  problem: string;
}

/**
 * Every way `value` breaks `schema` (empty when it matches).
 *
 * @example
 * validateJson({ type: "object", properties: { kind: { type: "string", enum: ["note"] } }, required: ["kind"] }, { kind: "idea" })
 * // [{ path: "$.kind", problem: 'is not one of "note"' }]
 */
export function validateJson(schema: JsonSchema, value: unknown, path = "$"): SchemaViolation[] {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (value === null && types.includes("null")) return [];
  const type = types.find((t) => t !== "null")!;
  if (!hasType(value, type)) return [{ path, problem: `is ${describe(value)}, not ${article(type)}` }];
  switch (type) {
    case "object":
      return validateObject(schema, value as Record<string, unknown>, path);
    case "array":
      return validateArray(schema, value as unknown[], path);
    case "string":
      return validateString(schema, value as string, path);
    case "integer":
    case "number":
      return validateNumber(schema, value as number, path);
    default:
      return [];
  }
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, path: string): SchemaViolation[] {
  const properties = schema.properties ?? {};
  const found: SchemaViolation[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) found.push({ path, problem: `lacks "${name}"` });
  }
  for (const [name, item] of Object.entries(value)) {
    const inner = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (inner) found.push(...validateJson(inner, item, `${path}.${name}`));
    else if (schema.additionalProperties === false) found.push({ path, problem: `has unknown "${name}"` });
  }
  return found;
}

function validateArray(schema: JsonSchema, value: unknown[], path: string): SchemaViolation[] {
  const found: SchemaViolation[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    found.push({ path, problem: `has fewer than ${schema.minItems} items` });
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    found.push({ path, problem: `has more than ${schema.maxItems} items` });
  }
  if (schema.items)
    value.forEach((item, i) => found.push(...validateJson(schema.items!, item, `${path}[${i}]`)));
  return found;
}

function validateString(schema: JsonSchema, value: string, path: string): SchemaViolation[] {
  if (schema.enum && !schema.enum.includes(value)) {
    return [{ path, problem: `is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}` }];
  }
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    return [{ path, problem: `is shorter than ${schema.minLength} characters` }];
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    return [{ path, problem: `is longer than ${schema.maxLength} characters` }];
  }
  return [];
}

function validateNumber(schema: JsonSchema, value: number, path: string): SchemaViolation[] {
  if (schema.minimum !== undefined && value < schema.minimum) {
    return [{ path, problem: `is below ${schema.minimum}` }];
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    return [{ path, problem: `is above ${schema.maximum}` }];
  }
  return [];
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isInteger(value)) return "a fractional number";
  return article(typeof value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
