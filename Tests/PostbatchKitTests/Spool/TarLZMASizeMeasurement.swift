import Foundation
import Testing
@testable import PostbatchKit

/// Measures compressed bytes per letter for real letter PDFs. Off unless
/// `POSTBATCH_MEASURE_PDFS` names a folder of `*.pdf` files (one per letter):
///
///     POSTBATCH_MEASURE_PDFS=/tmp/letters swift test --filter TarLZMASizeMeasurement
///
/// Each PDF is wrapped as base64 in a MeMo-sized envelope, written in containers
/// of `POSTBATCH_MEASURE_PER_CONTAINER` (default 100) at levels 3, 6 and 9.
@Suite("TarLZMASizeMeasurement", .enabled(if: ProcessInfo.processInfo.environment["POSTBATCH_MEASURE_PDFS"] != nil))
struct TarLZMASizeMeasurement {
    @Test("bytes per letter in tar.lzma at levels 3, 6, 9")
    func bytesPerLetter() throws {
        let environment = ProcessInfo.processInfo.environment
        let folder = try #require(environment["POSTBATCH_MEASURE_PDFS"])
        let perContainer = environment["POSTBATCH_MEASURE_PER_CONTAINER"].flatMap(Int.init) ?? 100
        let pdfs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pdf") }.sorted()
        try #require(!pdfs.isEmpty)
        let envelopes: [[UInt8]] = try pdfs.map { name in
            let pdf = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2"><memo:MessageHeader>\
                <memo:messageType>DIGITALPOST</memo:messageType><memo:messageUUID>\(UUID())</memo:messageUUID>\
                </memo:MessageHeader><memo:MessageBody><memo:MainDocument><memo:File>\
                <memo:encodingFormat>application/pdf</memo:encodingFormat><memo:content>\
                \(pdf.base64EncodedString())</memo:content></memo:File></memo:MainDocument></memo:MessageBody></memo:Message>

                """
            return Array(xml.utf8)
        }
        let tmp = try TemporaryFolder()
        let mean = envelopes.reduce(0) { $0 + $1.count } / envelopes.count
        for level in [3, 6, 9] {
            var total = 0
            for (index, start) in stride(from: 0, to: envelopes.count, by: perContainer).enumerated() {
                let file = try AtomicFileWriter(directory: tmp.path, syncDirectory: false).begin(name: "\(level)-\(index).tar.lzma")
                let tar = try TarLZMAWriter(into: file, modificationTime: 0, compressionLevel: level)
                for (offset, envelope) in envelopes[start..<min(start + perContainer, envelopes.count)].enumerated() {
                    try tar.append(name: "\(start + offset).xml", contents: envelope)
                }
                try tar.finish()
                total += file.bytesWritten
                file.abort()
            }
            print("tar.lzma level \(level), \(perContainer)/container: \(total / envelopes.count) bytes/letter "
                + "(\(envelopes.count) letters, envelope mean \(mean) bytes)")
        }
    }
}
