internal import Foundation

/// Checks every envelope of a spool against XML schemas: `postbatch validate`.
///
/// Loose `.xml` files and the entries of `.tar.lzma` containers are read one at a
/// time, so memory stays flat. Envelopes under `digital/` are MeMo messages and
/// those under `print/` fjernprint letters. With the shipped schemas
/// (``validate(spool:shipped:onEnvelope:)``) each MeMo message is checked against the
/// schema of the version its `memoVersion` names; with schemas given by path
/// (``validate(spool:schemas:onEnvelope:)``) against the one MeMo schema given. An envelope
/// whose kind has no schema is counted as not checked, not as a failure. Schemas are
/// loaded once, without network access. ``Result/uses`` says which schema checked which
/// envelopes.
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
        /// Which schema checked how many envelopes, in the order the schemas were first used.
        public var uses: [SchemaUse] = []

        mutating func count(_ envelopes: String, schema: String) {
            if let index = uses.firstIndex(where: { $0.schema == schema && $0.envelopes == envelopes }) {
                uses[index].count += 1
            } else {
                uses.append(SchemaUse(schema: schema, envelopes: envelopes, count: 1))
            }
        }
    }

    /// How many envelopes of one kind one schema checked.
    public struct SchemaUse: Sendable, Hashable, CustomStringConvertible {
        /// The schema file.
        public let schema: String
        /// Which envelopes: `digital (MeMo 1.2)`, `print (fjernprint)`, `digital`.
        public let envelopes: String
        /// How many.
        public var count: Int

        /// `246 digital (MeMo 1.2) envelopes against /usr/share/…/MeMo_core.xsd`.
        public var description: String {
            "\(count) \(envelopes) envelope\(count == 1 ? "" : "s") against \(schema)"
        }
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
        var validators: [Channel: Chosen] = [:]
        for path in schemas where !FileManager.default.isReadableFile(atPath: path) {
            throw EnvelopeError(code: .schemaNotFound, detail: "\(path): no such schema file (or it cannot be read); name an XSD with --schema")
        }
        for path in schemas {
            guard let kind = kind(ofSchema: path) else {
                throw EnvelopeError(code: .schemaLoad, field: nil,
                                    detail: "\(path) is neither the MeMo schema nor the fjernprint ForsendelseI schema")
            }
            validators[kind.channel] = Chosen(
                validator: try SchemaValidator(schemaPath: path,
                                               expectedRoots: kind == .memo ? [.memoMessage] : [.forsendelseI]),
                schema: path, envelopes: kind.channel.rawValue)
        }
        return try validate(spool: spool, onEnvelope: onEnvelope) { channel, _ in validators[channel] }
    }

    /// Validates a spool against the schemas postbatch ships.
    ///
    /// Each MeMo message is checked against the schema of its `memoVersion` (1.1 or 1.2;
    /// anything else against 1.2, where it fails); each paper letter against the fjernprint
    /// wrapper schema. A schema is compiled the first time an envelope needs it.
    ///
    /// - Parameters:
    ///   - spool: the spool folder.
    ///   - shipped: the `schemas/` folder.
    ///   - onEnvelope: told after each envelope (for progress).
    /// - Throws: as ``validate(spool:schemas:onEnvelope:)``.
    public static func validate(spool: String, shipped: ShippedSchemas,
                                onEnvelope: (Int) -> Void = { _ in }) throws -> Result {
        var memo: [MemoVersion: Chosen] = [:]
        var paper: Chosen?
        return try validate(spool: spool, onEnvelope: onEnvelope) { channel, bytes throws(EnvelopeError) in
            switch channel {
            case .digital:
                let version = memoVersion(of: bytes) ?? .standard
                if let chosen = memo[version] { return chosen }
                let path = shipped.memo(version).path
                let chosen = Chosen(validator: try SchemaValidator(schemaPath: path, expectedRoots: [.memoMessage]),
                                    schema: path, envelopes: "digital (MeMo \(version))")
                memo[version] = chosen
                return chosen
            case .print:
                if let paper { return paper }
                let path = shipped.fjernprint.path
                let chosen = Chosen(validator: try SchemaValidator(schemaPath: path, expectedRoots: [.forsendelseI]),
                                    schema: path, envelopes: "print (fjernprint)")
                paper = chosen
                return chosen
            }
        }
    }

    /// A compiled schema and how to name what it checks.
    private struct Chosen {
        let validator: SchemaValidator
        let schema: String
        let envelopes: String
    }

    /// The `memoVersion` attribute of a MeMo message, read from its first 4 KiB.
    static func memoVersion(of bytes: [UInt8]) -> MemoVersion? {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard let start = head.range(of: "memoVersion=\"") else { return nil }
        guard let end = head[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return MemoVersion(rawValue: String(head[start.upperBound..<end]))
    }

    private static func validate(spool: String, onEnvelope: (Int) -> Void,
                                 choose: (Channel, [UInt8]) throws(EnvelopeError) -> Chosen?) throws -> Result {
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
                    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                    guard let chosen = try choose(channel, bytes) else {
                        result.unchecked[channel, default: 0] += 1
                        continue
                    }
                    check(bytes, as: shown, with: chosen, into: &result)
                    onEnvelope(result.checked)
                } else if name.hasSuffix(SpoolLayout.containerSuffix) {
                    let reader = try TarLZMAReader(path: path)
                    while let entry = try reader.next() {
                        guard let chosen = try choose(channel, entry.bytes) else {
                            result.unchecked[channel, default: 0] += 1
                            continue
                        }
                        check(entry.bytes, as: "\(shown)#\(entry.name)", with: chosen, into: &result)
                        onEnvelope(result.checked)
                    }
                }
            }
        }
        return result
    }

    private static func check(_ bytes: [UInt8], as file: String, with chosen: Chosen, into result: inout Result) {
        result.checked += 1
        result.count(chosen.envelopes, schema: chosen.schema)
        let failures = chosen.validator.validate(bytes)
        if !failures.isEmpty {
            result.failures.append(Failure(file: file, messages: failures.map(\.description)))
        }
    }
}
