internal import Foundation

/// Checks every envelope of a spool against XML schemas: `postbatch validate`.
///
/// Loose `.xml` files and the entries of `.tar.lzma` containers are read one at a
/// time, so memory stays flat. Envelopes under `digital/` are MeMo messages and
/// are checked against the MeMo schema given; those under `print/` against the
/// fjernprint schema given. An envelope whose kind has no schema is counted as
/// not checked, not as a failure. Schemas are loaded once, without network access.
public struct SpoolValidation: Sendable {
    /// One envelope that does not validate.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The file, relative to the spool; for a container, `<container>#<entry>`.
        public let file: String
        /// libxml2's messages, personal data redacted.
        public let messages: [String]

        public var description: String {
            messages.map { "\(file): \($0)" }.joined(separator: "\n")
        }
    }

    /// What the check found.
    public struct Result: Sendable {
        /// Envelopes validated.
        public var checked = 0
        /// Envelopes that do not validate.
        public var failures: [Failure] = []
        /// Envelopes of a kind no schema was given for: `digital` or `print`.
        public var unchecked: [Channel: Int] = [:]
    }

    /// The kind of envelope a schema describes.
    enum Kind {
        case memo
        case paper

        var channel: Channel { self == .memo ? .digital : .print }
    }

    /// Reads which envelopes a schema file is for: MeMo when its target namespace is
    /// MeMo's, paper when it describes fjernprint's `ForsendelseI`.
    static func kind(ofSchema path: String) -> Kind? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data.prefix(200_000), as: UTF8.self)
        if text.contains("targetNamespace=\"\(MemoEnvelope.namespace)\"") { return .memo }
        if text.contains(PaperEnvelope.namespace) || text.contains("ForsendelseI") { return .paper }
        return nil
    }

    /// Validates a spool.
    ///
    /// - Parameters:
    ///   - spool: the spool folder.
    ///   - schemas: XSD files, one for MeMo and/or one for fjernprint.
    ///   - onEnvelope: told after each envelope (for progress).
    /// - Throws: ``EnvelopeError`` `schema_load` for a schema that does not compile or whose
    ///   kind cannot be told; ``SpoolError`` `not_a_spool` when the folder is missing or is not a spool;
    ///   ``SpoolError`` when a container cannot be read.
    public static func validate(spool: String, schemas: [String],
                                onEnvelope: (Int) -> Void = { _ in }) throws -> Result {
        var validators: [Channel: SchemaValidator] = [:]
        for path in schemas where !FileManager.default.isReadableFile(atPath: path) {
            throw EnvelopeError(code: .schemaNotFound, detail: "\(path): no such schema file (or it cannot be read); name an XSD with --schema")
        }
        for path in schemas {
            guard let kind = kind(ofSchema: path) else {
                throw EnvelopeError(code: .schemaLoad, field: nil,
                                    detail: "\(path) is neither the MeMo schema nor the fjernprint ForsendelseI schema")
            }
            validators[kind.channel] = try SchemaValidator(
                schemaPath: path, expectedRoots: kind == .memo ? [.memoMessage] : [.forsendelseI])
        }
        let root = URL(fileURLWithPath: spool)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SpoolError(code: .notASpool, path: spool, message: "\(spool): no such spool folder")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []
        guard entries.contains(SpoolLayout.manifest) || entries.contains(SpoolLayout.journal) else {
            throw SpoolError(code: .notASpool, path: spool,
                             message: "\(spool) is not a postbatch spool (it holds no \(SpoolLayout.manifest) and no \(SpoolLayout.journal)); name the folder given to run --spool")
        }
        var result = Result()
        for channel in Channel.allCases {
            let folder = root.appendingPathComponent(channel.rawValue)
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            let files = (walker.allObjects as? [String] ?? []).sorted()
            for relative in files {
                let name = (relative as NSString).lastPathComponent
                guard !name.hasPrefix(".") else { continue }
                let path = folder.appendingPathComponent(relative).path
                let shown = "\(channel.rawValue)/\(relative)"
                if name.hasSuffix(SpoolLayout.envelopeSuffix) {
                    guard let validator = validators[channel] else {
                        result.unchecked[channel, default: 0] += 1
                        continue
                    }
                    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                    check(bytes, as: shown, with: validator, into: &result)
                    onEnvelope(result.checked)
                } else if name.hasSuffix(SpoolLayout.containerSuffix) {
                    let reader = try TarLZMAReader(path: path)
                    while let entry = try reader.next() {
                        guard let validator = validators[channel] else {
                            result.unchecked[channel, default: 0] += 1
                            continue
                        }
                        check(entry.bytes, as: "\(shown)#\(entry.name)", with: validator, into: &result)
                        onEnvelope(result.checked)
                    }
                }
            }
        }
        return result
    }

    private static func check(_ bytes: [UInt8], as file: String, with validator: SchemaValidator, into result: inout Result) {
        result.checked += 1
        let failures = validator.validate(bytes)
        if !failures.isEmpty {
            result.failures.append(Failure(file: file, messages: failures.map(\.description)))
        }
    }
}
