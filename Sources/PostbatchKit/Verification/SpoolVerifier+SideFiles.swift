internal import Crypto
internal import Foundation

extension Check {
    /// The files beside the envelopes: the reject and skip lists hold as many records as
    /// the report counts, and `report.html` is the page the run published (its SHA-256 is
    /// in the journal's run record; a spool handed over without its journal skips that check).
    mutating func checkSideFiles(report: ReportDocument?) {
        for (name, total) in [(SpoolLayout.rejects, report?.rejected.total), (SpoolLayout.skipped, report?.skipped.total)] {
            guard let data = FileManager.default.contents(atPath: Syscall.join(root, name)) else {
                problem(.missingFile, name, "missing: the run writes it beside the manifest")
                continue
            }
            let records = Self.csvRecords(in: data) - 1
            if let total, records != total {
                problem(.countMismatch, name, "holds \(records) record\(records == 1 ? "" : "s"), report.json counts \(total)")
            }
        }
        guard let page = FileManager.default.contents(atPath: Syscall.join(root, SpoolLayout.reportHTML)) else {
            problem(.missingFile, SpoolLayout.reportHTML, "missing: the run writes it beside report.json")
            return
        }
        let recordPath = Syscall.join(Syscall.join(root, SpoolLayout.journal), SpoolLayout.journalRecord)
        guard let data = FileManager.default.contents(atPath: recordPath),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data),
              let expected = record.reportHTMLSHA256
        else { return }
        if Hex.string(SHA256.hash(data: page)) != expected {
            problem(.checksumMismatch, SpoolLayout.reportHTML, "is not the page the run wrote (its SHA-256 differs from the journal's)")
        }
    }

    /// Records in CSV text: line ends outside quotes, plus a last line without one.
    static func csvRecords(in data: Data) -> Int {
        var count = 0
        var quoted = false
        var lineHasBytes = false
        for byte in data {
            switch byte {
            case UInt8(ascii: "\""):
                quoted.toggle()
                lineHasBytes = true
            case UInt8(ascii: "\n") where !quoted:
                count += 1
                lineHasBytes = false
            default:
                lineHasBytes = true
            }
        }
        return count + (lineHasBytes ? 1 : 0)
    }
}
