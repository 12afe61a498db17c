internal import Foundation
internal import NIOCore

/// The bytes of one transmission: a container of the spool as it is, or a loose
/// batch folder packed into a container on the fly.
///
/// Packed containers are kept in `DIR/.delivery/packed/`, written atomically, so a
/// transmission sent again after an interruption carries the same bytes. Their
/// entries are the batch's envelopes in manifest order, stamped with the letters'
/// date, compressed with postbatch's LZMA encoder (packing is on the sending path).
struct ContainerSource {
    let spool: String
    let ledger: Ledger
    let compression: LZMACompression

    /// The container's bytes.
    ///
    /// - Throws: ``DeliveryError`` `not_a_spool` when a container or envelope is
    ///   missing or unreadable (run `verify`), `ledger`.
    func bytes(for key: String) throws -> ByteBuffer {
        let relative = key.hasSuffix(".tar.lzma") ? key : try pack(folder: key)
        let path = "\(spool)/\(relative)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryError(code: .notASpool, subject: relative,
                                message: "the container \(relative) is missing or unreadable: run 'postbatch verify \(spool)'")
        }
        return ByteBuffer(bytes: data)
    }

    /// Packs the loose envelopes of `folder` (relative to the spool) once; returns the
    /// container's path relative to the spool.
    func pack(folder: String) throws -> String {
        let relative = DeliveryLayout.packedContainer(forLooseFolder: folder)
        let path = "\(spool)/\(relative)"
        if FileManager.default.fileExists(atPath: path) { return relative }
        let directory = try SpoolDirectory(path: spool).makeDirectory("\(DeliveryLayout.folder)/\(DeliveryLayout.packed)")
        let name = String(relative.split(separator: "/").last ?? "")
        let uuids = try ledger.letters(inTransmission: folder)
        let date = folder.split(separator: "/").dropFirst().first.flatMap { CalendarDate(iso: String($0)) }
        _ = try TarLZMAWriter.writeContainer(folder: directory, name: name,
                                             modificationTime: Int64(date?.secondsSinceEpoch ?? 0),
                                             compression: compression) { archive in
            for uuid in uuids {
                let envelope = "\(spool)/\(folder)/\(uuid).xml"
                guard let data = FileManager.default.contents(atPath: envelope) else {
                    throw DeliveryError(code: .notASpool, subject: "\(folder)/\(uuid).xml",
                                        message: "the envelope \(folder)/\(uuid).xml is missing: run 'postbatch verify \(spool)'")
                }
                try archive.append(name: "\(uuid).xml", contents: [UInt8](data))
            }
        }
        return relative
    }
}
