import Foundation
import PostbatchKit

/// The fjernprint check of a spool's paper letters, in the test process: the full-flow
/// test checks the paper letters `fallback` wrote without validating every MeMo again.
enum PaperEnvelopes {
    /// The problems of each named envelope (spool-relative paths) against `schema`, as
    /// `path: message` lines; empty when all are valid.
    static func failures(in spool: URL, files: [String], schema: String) throws -> [String] {
        let validator = try SchemaValidator(schemaPath: schema, expectedRoots: [.forsendelseI])
        var failures: [String] = []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: spool.appendingPathComponent(file)))
            failures += validator.validate(bytes).map { "\(file): \($0)" }
        }
        return failures
    }
}
