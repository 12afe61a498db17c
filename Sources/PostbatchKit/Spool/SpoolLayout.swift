/// Where things live in a spool (SPEC §3): every path, file name and manifest column
/// of a spool is defined here, and the run, `verify` and `validate` all read it here.
///
/// ```
/// DIR/digital/<date>/<NNNN>/<uuid>.xml    loose MeMo envelopes, 1000 per folder
/// DIR/print/<date>/<NNNN>/<uuid>.xml      loose fjernprint envelopes
/// DIR/digital/<date>/<NNNN>.tar.lzma      with --container tar.lzma: <uuid>.xml entries
/// DIR/manifest.csv                        uuid,group,channel,date,language,bytes,sha256,file
/// DIR/rejects.csv, DIR/skipped.csv        line,reason,detail (CPR masked)
/// DIR/report.json, DIR/report.html        SPEC §5, for programs and for people
/// DIR/.journal/                           the run journal (see ``RunJournal``)
/// DIR/.lock                               held while a run works
/// ```
package enum SpoolLayout {
    /// Loose envelopes per fan-out folder.
    package static let lettersPerFolder = 1000
    /// One line per letter: uuid, group, channel, date, language, bytes, sha256, file.
    package static let manifest = "manifest.csv"
    /// One line per rejected record.
    package static let rejects = "rejects.csv"
    /// One line per skipped record.
    package static let skipped = "skipped.csv"
    /// The statistics of SPEC §5.
    package static let report = "report.json"
    /// The same statistics as one self-contained page.
    package static let reportHTML = "report.html"
    /// The run journal's folder.
    package static let journal = ".journal"
    /// The lock file a run holds.
    package static let lock = ".lock"
    /// The files a finished spool holds at its root, besides the channel folders.
    package static let rootFiles: Set<String> = [manifest, report, reportHTML, rejects, skipped]
    /// Entries of the root that belong to the run's bookkeeping, not to the hand-over.
    package static let bookkeeping: Set<String> = [journal, lock]

    /// The columns of `manifest.csv`, in order.
    package static let manifestColumns = ["uuid", "group", "channel", "date", "language", "bytes", "sha256", "file"]
    /// The header line of `manifest.csv`, without its line end.
    package static let manifestHeader = manifestColumns.joined(separator: ",")

    // MARK: - Envelopes and batches

    /// `<uuid>.xml`: an envelope's file name, loose or inside a container.
    static func envelopeName(uuid: some StringProtocol) -> String { "\(uuid)\(envelopeSuffix)" }

    /// The extension of envelope files.
    static let envelopeSuffix = ".xml"

    /// `digital/2021-10-06`: the folder of a batch's channel and date.
    static func dateFolder(of batch: BatchKey) -> String { "\(batch.channel.rawValue)/\(batch.date.iso)" }

    /// `digital/2021-10-06/0001`: the folder of a loose batch.
    static func looseFolder(of batch: BatchKey) -> String { "\(dateFolder(of: batch))/\(number(of: batch))" }

    /// `0001.tar.lzma`: a container's file name in its ``dateFolder(of:)``.
    static func containerName(of batch: BatchKey) -> String { "\(number(of: batch)).tar.lzma" }

    /// The extension of container files.
    static let containerSuffix = ".tar.lzma"

    // MARK: - The journal

    /// `.journal/run.json`: the record of the run the spool holds.
    static let journalRecord = "run.json"
    /// `.journal/batches`: one file of manifest lines per finished batch.
    static let journalBatches = "batches"
    /// `.journal/input.csv`: standard input, kept to be read twice.
    static let journalInputCopy = "input.csv"
    /// `.journal/input.fingerprints`: 8 bytes per input record, from the first pass.
    static let journalFingerprints = "input.fingerprints"

    /// `digital-2021-10-06-0001.csv`: the journal file that records a batch as done.
    static func journalSegment(of batch: BatchKey) -> String {
        "\(batch.channel.rawValue)-\(batch.date.iso)-\(number(of: batch)).csv"
    }

    /// `0001`.
    private static func number(of batch: BatchKey) -> String {
        DecimalText.padded(batch.number, width: 4)
    }
}
