internal import CLibXML2

/// Checks envelopes against an XSD with libxml2, and checks the root element.
///
/// The schema is read and compiled once, in ``init(schemaPath:expectedRoots:)``; then
/// ``validate(_:)`` checks any number of documents given as bytes.
///
/// ```swift
/// let validator = try SchemaValidator(schemaPath: "…/v1.2/Version1.2/MeMo_core.xsd",
///                                     expectedRoots: [.memoMessage])
/// let failures = validator.validate(bytes)   // empty: valid
/// ```
///
/// Safety: documents are parsed with `XML_PARSE_NONET` only, so no DTD is loaded and no
/// external entity is expanded (no `XML_PARSE_NOENT`, no `XML_PARSE_DTDLOAD`); and libxml2's
/// external entity loader is set process-wide to refuse network URLs, which also covers the
/// XSD's own `import`s. Error messages are collected through libxml2's structured error
/// handlers, never printed.
///
/// Privacy: libxml2 quotes offending values in its messages (`The value '…' is not
/// accepted`). A validator's failures never repeat a value: quoted values are replaced by
/// `[value]`, and any run of ten digits (a CPR number) is masked.
///
/// Threads: an instance is not `Sendable`; use one validator per thread or task. libxml2
/// itself is initialised once per process (`xmlInitParser`) before the first use.
package final class SchemaValidator {
    /// A namespace-qualified element name: `{urn:oio:fjernprint:1.0.0}ForsendelseI`.
    package struct QualifiedName: Hashable, Sendable, CustomStringConvertible {
        /// The namespace URI; empty for no namespace.
        package let namespace: String
        /// The local name.
        package let localName: String

        /// A qualified name.
        package init(namespace: String, localName: String) {
            self.namespace = namespace
            self.localName = localName
        }

        /// The MeMo root, `{https://DigitalPost.dk/MeMo-1}Message`.
        package static let memoMessage = QualifiedName(namespace: MemoEnvelope.namespace, localName: "Message")
        /// The fjernprint root, `{urn:oio:fjernprint:1.0.0}ForsendelseI`.
        package static let forsendelseI = QualifiedName(namespace: PaperEnvelope.namespace, localName: "ForsendelseI")

        /// Clark notation: `{namespace}localName`.
        package var description: String { "{\(namespace)}\(localName)" }
    }

    /// One problem found in a document.
    package struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// The line in the document, or 0 when libxml2 gave none.
        package let line: Int
        /// libxml2's message, values redacted (see ``SchemaValidator``).
        package let message: String

        /// `line 14: Element '…PostCodeIdentifier': [facet 'pattern'] …`.
        package var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// Collects structured errors from libxml2 callbacks.
    private final class ErrorBox {
        var failures: [Failure] = []
    }

    private let schema: xmlSchemaPtr
    private let validContext: xmlSchemaValidCtxtPtr
    private let errors = ErrorBox()
    /// The roots a document may have.
    package let expectedRoots: Set<QualifiedName>

    /// Reads and compiles an XSD.
    ///
    /// - Parameters:
    ///   - schemaPath: the main schema file, e.g. `…/fjernprint-xsd/wrapper-ForsendelseI.xsd`
    ///     (not the upstream `ForsendelseI.xsd`, which libxml2 cannot compile alone). Its
    ///     `import`s and `include`s are resolved relative to it.
    ///   - expectedRoots: the root elements a valid document may have. The default accepts the
    ///     two postbatch envelopes; a schema validates any of its global elements as a root,
    ///     so this check is what rejects, say, a lone `<dkal:FilformatNavn>`.
    /// - Throws: ``EnvelopeError`` with code ``EnvelopeError/Code/schemaLoad`` when the file
    ///   cannot be read or the schema does not compile; `cause` holds libxml2's first message.
    package init(schemaPath: String,
                expectedRoots: Set<QualifiedName> = [.memoMessage, .forsendelseI]) throws(EnvelopeError) {
        LibXML2.initialise()
        let box = ErrorBox()
        let compiled: xmlSchemaPtr? = SchemaValidator.collectingErrors(into: box) {
            guard let parser = xmlSchemaNewParserCtxt(schemaPath) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(parser, SchemaValidator.errorHandler,
                                               Unmanaged.passUnretained(box).toOpaque())
            return xmlSchemaParse(parser)
        }
        guard let compiled else {
            throw EnvelopeError(code: .schemaLoad, field: nil,
                                detail: "cannot read or compile the schema \(schemaPath)",
                                cause: box.failures.first?.description)
        }
        guard let context = xmlSchemaNewValidCtxt(compiled) else {
            xmlSchemaFree(compiled)
            throw EnvelopeError(code: .schemaLoad, detail: "cannot create a validation context for \(schemaPath)")
        }
        self.schema = compiled
        self.validContext = context
        self.expectedRoots = expectedRoots
        xmlSchemaSetValidStructuredErrors(context, SchemaValidator.errorHandler,
                                          Unmanaged.passUnretained(errors).toOpaque())
    }

    deinit {
        xmlSchemaFreeValidCtxt(validContext)
        xmlSchemaFree(schema)
    }

    /// Checks one document: well-formed, the expected root, valid against the schema.
    ///
    /// - Parameter document: the document's bytes.
    /// - Returns: the problems found, in document order; empty when the document is valid.
    ///   A document that is not well-formed gives the parser's messages; one with a wrong
    ///   root gives one failure naming the root, and is not validated further.
    package func validate(_ document: [UInt8]) -> [Failure] {
        errors.failures.removeAll(keepingCapacity: true)
        guard document.count < Int(Int32.max) else {
            return [Failure(line: 0, message: "document larger than 2 GiB")]
        }
        let parsed: xmlDocPtr? = SchemaValidator.collectingErrors(into: errors) {
            document.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { base in
                    UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        xmlReadMemory($0, Int32(buffer.count), "envelope.xml", nil, Int32(XML_PARSE_NONET.rawValue))
                    }
                }
            }
        }
        guard let parsed else {
            if errors.failures.isEmpty {
                return [Failure(line: 0, message: "the document is empty or not XML")]
            }
            return errors.failures
        }
        defer { xmlFreeDoc(parsed) }
        guard let root = xmlDocGetRootElement(parsed) else {
            return [Failure(line: 0, message: "the document has no root element")]
        }
        let found = QualifiedName(namespace: string(root.pointee.ns?.pointee.href) ?? "",
                                  localName: string(root.pointee.name) ?? "")
        guard expectedRoots.contains(found) else {
            let expected = expectedRoots.map(\.description).sorted().joined(separator: " or ")
            return [Failure(line: Int(xmlGetLineNo(root)),
                            message: "root element is \(found), expected \(expected)")]
        }
        let result = xmlSchemaValidateDoc(validContext, parsed)
        if result != 0 && errors.failures.isEmpty {
            return [Failure(line: 0, message: "libxml2 could not validate the document (code \(result))")]
        }
        return errors.failures
    }

    // MARK: - libxml2 error plumbing

    /// Runs `body` with the calling thread's structured error handler pointing at `box`,
    /// then restores the previous handler. Parser errors that no context catches go there.
    private static func collectingErrors<Result>(into box: ErrorBox, _ body: () -> Result) -> Result {
        let handlerSlot = __xmlStructuredError()
        let contextSlot = __xmlStructuredErrorContext()
        let previousHandler = handlerSlot?.pointee
        let previousContext = contextSlot?.pointee
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(box).toOpaque(), errorHandler)
        defer { xmlSetStructuredErrorFunc(previousContext ?? nil, previousHandler ?? nil) }
        return body()
    }

    /// The structured error callback: appends a redacted ``Failure`` to the box.
    private static let errorHandler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
        let raw = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        let message = redact(raw.trimmingTrailingWhitespace)
        box.failures.append(Failure(line: Int(error.pointee.line), message: message))
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// `message` with quoted values replaced by `[value]` and CPR-shaped numbers masked.
    ///
    /// libxml2 quotes an offending value after the word `value` (`The value 'x' is not
    /// accepted`); the quotes stay, the value goes. A run of exactly ten digits, or six
    /// digits, `-`, four digits, keeps its date part: `150572-XXXX` (`0000000000`, the
    /// schema's "unknown" value, stays).
    static func redact(_ message: String) -> String {
        let input = Array(message.unicodeScalars)
        let marker = Array("value '".unicodeScalars)
        func isDigit(_ index: Int) -> Bool {
            index < input.count && ("0"..."9").contains(input[index])
        }
        func digitRun(from index: Int) -> Int {
            var end = index
            while isDigit(end) { end += 1 }
            return end - index
        }
        var output = String.UnicodeScalarView()
        var index = 0
        while index < input.count {
            if input[index...].starts(with: marker),
               let close = input[(index + marker.count)...].firstIndex(of: "'") {
                output.append(contentsOf: "value '[value]'".unicodeScalars)
                index = close + 1
                continue
            }
            let startsRun = isDigit(index) && (index == 0 || !isDigit(index - 1))
            if startsRun {
                let run = digitRun(from: index)
                if run == 10, input[index..<(index + 10)].contains(where: { $0 != "0" }) {
                    output.append(contentsOf: input[index..<(index + 6)])
                    output.append(contentsOf: "-XXXX".unicodeScalars)
                    index += 10
                    continue
                }
                if run == 6, index + 6 < input.count, input[index + 6] == "-", digitRun(from: index + 7) == 4 {
                    output.append(contentsOf: input[index..<(index + 6)])
                    output.append(contentsOf: "-XXXX".unicodeScalars)
                    index += 11
                    continue
                }
                output.append(contentsOf: input[index..<(index + run)])
                index += run
                continue
            }
            output.append(input[index])
            index += 1
        }
        return String(output)
    }
}

extension String {
    /// The text without trailing spaces and line breaks (libxml2 messages end in `\n`).
    fileprivate var trimmingTrailingWhitespace: String {
        var scalars = unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\n" || last == "\r" || last == "\t" {
            scalars = scalars.dropLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
