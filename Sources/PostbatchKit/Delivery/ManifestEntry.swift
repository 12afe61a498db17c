/// One letter of a spool's `manifest.csv`, as the delivery keeps it (read with the
/// Spool stage's ``ManifestLine``).
struct ManifestEntry: Sendable, Equatable {
    let uuid: String
    let group: LetterGroup
    let channel: Channel
    let date: CalendarDate
    let language: Language
    /// The envelope file or container, relative to the spool.
    let file: String

    /// The unit a digital letter is sent in: its container, or the folder of a loose envelope.
    var transmissionKey: String {
        if file.hasSuffix(SpoolLayout.containerSuffix) { return file }
        guard let slash = file.lastIndex(of: "/") else { return file }
        return String(file[..<slash])
    }

    init(_ line: ManifestLine) {
        self.init(uuid: String(line.uuid), group: line.group, channel: line.channel, date: line.date,
                  language: line.language, file: String(line.file))
    }

    init(uuid: String, group: LetterGroup, channel: Channel, date: CalendarDate, language: Language, file: String) {
        self.uuid = uuid
        self.group = group
        self.channel = channel
        self.date = date
        self.language = language
        self.file = file
    }

    /// Calls `body` with every letter line of `DIR/manifest.csv`, in order.
    ///
    /// - Throws: ``DeliveryError`` `not_a_spool` when the manifest is missing, unreadable
    ///   or a line is damaged (`verify` tells more).
    static func read(spool: String, _ body: (ManifestEntry) throws -> Void) throws {
        let path = "\(spool)/\(SpoolLayout.manifest)"
        let end = try ManifestLine.forEachLine(ofFile: path) { text, number in
            if number == 1 || text.isEmpty { return }
            guard let line = try? ManifestLine(text[...]) else {
                throw DeliveryError(
                    code: .notASpool, subject: path,
                    message: "line \(number) of \(SpoolLayout.manifest) is not a letter: run 'postbatch verify \(spool)'")
            }
            try body(ManifestEntry(line))
        }
        switch end {
        case .done:
            return
        case .cannotOpen:
            throw DeliveryError(
                code: .notASpool, subject: spool,
                message: "\(spool) holds no \(SpoolLayout.manifest): give the folder a finished run wrote with --spool")
        case .stopped(let line, let error):
            throw DeliveryError(code: .notASpool, subject: path, cause: SpoolError.describe(errno: error),
                                message: "reading \(SpoolLayout.manifest) stopped after line \(line)")
        }
    }
}
