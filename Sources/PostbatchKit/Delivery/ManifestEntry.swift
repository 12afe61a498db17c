internal import Foundation
internal import Glibc

/// One line of a spool's `manifest.csv`, as the delivery needs it.
///
/// `uuid,group,channel,date,language,bytes,sha256,file` (``SpoolLayout/manifestHeader``).
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
        if file.hasSuffix(".tar.lzma") { return file }
        guard let slash = file.lastIndex(of: "/") else { return file }
        return String(file[..<slash])
    }

    /// Reads a manifest line; `nil` for the header or a line that is not a letter.
    init?(line: Substring) {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 8, fields[0].count == 36,
              let groupNumber = Int(fields[1]), let group = LetterGroup(rawValue: groupNumber),
              let channel = Channel(rawValue: String(fields[2])),
              let date = CalendarDate(iso: String(fields[3])),
              let language = Language(rawValue: String(fields[4]))
        else { return nil }
        self.init(uuid: String(fields[0]), group: group, channel: channel, date: date, language: language,
                  file: String(fields[7]))
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
    /// - Throws: ``DeliveryError`` `not_a_spool` when the manifest is missing or a
    ///   line is damaged (`verify` tells more).
    static func read(spool: String, _ body: (ManifestEntry) throws -> Void) throws {
        let path = "\(spool)/\(SpoolLayout.manifest)"
        guard let file = fopen(path, "r") else {
            throw DeliveryError(
                code: .notASpool, subject: spool,
                message: "\(spool) holds no \(SpoolLayout.manifest): give the folder a finished run wrote with --spool")
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length >= 0, let buffer else { break }
            number += 1
            var text = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            if number == 1 || text.isEmpty { continue }
            guard let entry = ManifestEntry(line: text[...]) else {
                throw DeliveryError(
                    code: .notASpool, subject: "\(spool)/\(SpoolLayout.manifest)",
                    message: "line \(number) of \(SpoolLayout.manifest) is not a letter: run 'postbatch verify \(spool)'")
            }
            try body(entry)
        }
    }
}
