internal import Crypto
internal import Foundation
internal import Glibc

/// The last step of a writing run: makes the spool's hand-over files from the journal.
///
/// `manifest.csv` is the journal's batch records in manifest order; the reject and
/// skip lists move from the journal's staging into place; `report.json` and
/// `report.html` are written from the first pass's statistics (the page with the run's
/// facts). Each file appears atomically; publishing again after a crash gives the same
/// bytes, but for the page's duration.
struct SpoolPublication {
    let spool: SpoolDirectory
    let journal: RunJournal

    /// Writes the hand-over files.
    ///
    /// - Returns: the SHA-256 of `report.html`, for the journal.
    func publish(pass: InputPass, options: RunOptions, page: HTMLReportOptions, template: ReportTemplate) throws -> String {
        let writer = AtomicFileWriter(directory: spool.path)
        try writeManifest(with: writer)
        for name in [SpoolLayout.rejects, SpoolLayout.skipped] {
            let staged = journal.directory + "/" + name
            if FileManager.default.fileExists(atPath: staged), rename(staged, spool.path + "/" + name) != 0 {
                throw SpoolError(errno: errno, operation: "rename", path: spool.path + "/" + name)
            }
        }
        let shard = options.shard.map { ShardReport(index: $0.index, count: $0.count, letters: pass.shardLetters) }
        try writer.write(Array(pass.statistics.json(shard: shard, includingNotes: true).utf8), to: SpoolLayout.report)
        let html = Array(pass.statistics.html(page, template: template).utf8)
        try writer.write(html, to: SpoolLayout.reportHTML)
        return Hex.string(SHA256.hash(data: html))
    }

    private func writeManifest(with writer: AtomicFileWriter) throws {
        let manifest = try writer.begin(name: SpoolLayout.manifest)
        do {
            try manifest.write(Array((SpoolLayout.manifestHeader + "\n").utf8))
            for path in try journal.segmentPaths() {
                guard let bytes = FileManager.default.contents(atPath: path) else {
                    throw SpoolError(code: .io, path: path, message: "cannot read the journal's batch record \(path)")
                }
                try manifest.write(Array(bytes))
            }
            try manifest.commit()
        } catch {
            manifest.abort()
            throw error
        }
    }
}
