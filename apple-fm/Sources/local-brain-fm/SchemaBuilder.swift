// Turns the JSON Schema subset Local Brain sends (src/core/json-schema.ts) into a
// DynamicGenerationSchema, so the system model's output is constrained to it:
// object (properties, required), array (items, minItems, maxItems), string (enum), integer,
// number, boolean, and [T, "null"] (an optional property). Lengths and ranges are not guided;
// the Node side validates every answer and asks once more when one breaks the schema.
import Foundation
import FoundationModels

struct SchemaError: Error, CustomStringConvertible {
    let description: String
}

struct SchemaBuilder {
    mutating func build(_ node: [String: Any], name: String) throws -> DynamicGenerationSchema {
        let type = try baseType(node, at: name)
        switch type {
        case "object":
            return try object(node, name: name)
        case "array":
            let items = node["items"] as? [String: Any] ?? ["type": "string"]
            return DynamicGenerationSchema(
                arrayOf: try build(items, name: "\(name)Item"),
                minimumElements: node["minItems"] as? Int,
                maximumElements: node["maxItems"] as? Int)
        case "string":
            if let choices = node["enum"] as? [String], !choices.isEmpty {
                return DynamicGenerationSchema(type: String.self, guides: [.anyOf(choices)])
            }
            return DynamicGenerationSchema(type: String.self)
        case "integer":
            return DynamicGenerationSchema(type: Int.self)
        case "number":
            return DynamicGenerationSchema(type: Double.self)
        case "boolean":
            return DynamicGenerationSchema(type: Bool.self)
        default:
            throw SchemaError(description: "\(name): type \(type) is not supported")
        }
    }

    /// Properties in the order of `required` (the order the model should write them), then the rest.
    private mutating func object(_ node: [String: Any], name: String) throws -> DynamicGenerationSchema {
        let properties = node["properties"] as? [String: Any] ?? [:]
        let required = node["required"] as? [String] ?? []
        let order = required.filter { properties[$0] != nil } + properties.keys.filter { !required.contains($0) }.sorted()
        var built: [DynamicGenerationSchema.Property] = []
        for key in order {
            guard let child = properties[key] as? [String: Any] else {
                throw SchemaError(description: "\(name).\(key) is not a schema")
            }
            built.append(
                DynamicGenerationSchema.Property(
                    name: key,
                    description: child["description"] as? String,
                    schema: try build(child, name: "\(name)\(key.capitalized)"),
                    isOptional: !required.contains(key) || isNullable(child)))
        }
        return DynamicGenerationSchema(
            name: name, description: node["description"] as? String, properties: built)
    }

    private func baseType(_ node: [String: Any], at name: String) throws -> String {
        if let type = node["type"] as? String { return type }
        if let types = node["type"] as? [String], let type = types.first(where: { $0 != "null" }) { return type }
        throw SchemaError(description: "\(name) has no type")
    }

    private func isNullable(_ node: [String: Any]) -> Bool {
        (node["type"] as? [String])?.contains("null") ?? false
    }
}
