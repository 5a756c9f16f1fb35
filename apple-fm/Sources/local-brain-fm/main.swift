// local-brain-fm: one JSON request on stdin, one JSON reply on stdout (protocol version 1,
// specified in ARCHITECTURE.md, "Apple Foundation Models helper").
//
//   {"version":1,"op":"availability"}
//     -> {"ok":true,"available":true} | {"ok":true,"available":false,"reason":"modelNotReady"}
//   {"version":1,"op":"generate","instructions":"…","input":"…","schema":{JSON Schema}}
//     -> {"ok":true,"output":{…}} | {"ok":false,"error":{"code":"…","message":"…"}}
//
// Exit status 0 with "ok": true, 1 otherwise. Untested here: written against Apple's documented
// FoundationModels API; the Node adapter is tested against a fake helper.
import Foundation
import FoundationModels

func reply(_ object: [String: Any], status: Int32) -> Never {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{\"ok\":false}".utf8)
    FileHandle.standardOutput.write(data)
    exit(status)
}

func fail(_ code: String, _ message: String) -> Never {
    reply(["ok": false, "error": ["code": code, "message": message]], status: 1)
}

func describe(_ reason: SystemLanguageModel.Availability.UnavailableReason) -> String {
    switch reason {
    case .deviceNotEligible: return "deviceNotEligible"
    case .appleIntelligenceNotEnabled: return "appleIntelligenceNotEnabled"
    case .modelNotReady: return "modelNotReady"
    @unknown default: return "unavailable"
    }
}

let raw = FileHandle.standardInput.readDataToEndOfFile()
guard let request = (try? JSONSerialization.jsonObject(with: raw)) as? [String: Any] else {
    fail("bad_request", "the request is not a JSON object")
}
guard (request["version"] as? Int) == 1 else {
    fail("bad_request", "this helper speaks protocol version 1")
}

let model = SystemLanguageModel.default

switch request["op"] as? String {
case "availability":
    switch model.availability {
    case .available:
        reply(["ok": true, "available": true], status: 0)
    case .unavailable(let reason):
        reply(["ok": true, "available": false, "reason": describe(reason)], status: 0)
    }
case "generate":
    if case .unavailable(let reason) = model.availability {
        fail("model_unavailable", describe(reason))
    }
    guard let input = request["input"] as? String, let schemaJSON = request["schema"] as? [String: Any] else {
        fail("bad_request", "generate needs input and schema")
    }
    let instructions = request["instructions"] as? String ?? ""
    let schema: GenerationSchema
    do {
        var builder = SchemaBuilder()
        schema = try GenerationSchema(root: try builder.build(schemaJSON, name: "Answer"), dependencies: [])
    } catch {
        fail("unsupported_schema", "\(error)")
    }
    do {
        let session = LanguageModelSession(instructions: instructions)
        let response = try await session.respond(
            to: input, schema: schema, options: GenerationOptions(temperature: 0))
        let output = try JSONSerialization.jsonObject(
            with: Data(response.content.jsonString.utf8), options: [.fragmentsAllowed])
        reply(["ok": true, "output": output], status: 0)
    } catch let error as LanguageModelSession.GenerationError {
        switch error {
        case .exceededContextWindowSize: fail("context_too_long", "\(error)")
        case .guardrailViolation: fail("guardrail", "\(error)")
        default: fail("generation_failed", "\(error)")
        }
    } catch {
        fail("generation_failed", "\(error)")
    }
default:
    fail("bad_request", "op must be availability or generate")
}
