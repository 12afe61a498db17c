/// Where things live in a spool (SPEC §3).
///
/// ```
/// DIR/digital/<date>/<NNNN>/<uuid>.xml    loose MeMo envelopes, 1000 per folder
/// DIR/print/<date>/<NNNN>/<uuid>.xml      loose fjernprint envelopes
/// DIR/digital/<date>/<NNNN>.tar.lzma      with --container tar.lzma: <uuid>.xml entries
/// DIR/manifest.csv                        uuid,group,channel,date,language,bytes,sha256,file
/// DIR/rejects.csv, DIR/skipped.csv        line,reason,detail (CPR masked)
/// DIR/report.json, DIR/report.html       SPEC §5, for programs and for people
/// DIR/.journal/                           the run journal (see ``RunJournal``)
/// DIR/.lock                               held while a run works
/// ```
public enum SpoolLayout {
    /// Loose envelopes per fan-out folder.
    public static let lettersPerFolder = 1000
    /// One line per letter: uuid, group, channel, date, language, bytes, sha256, file.
    public static let manifest = "manifest.csv"
    /// One line per rejected record.
    public static let rejects = "rejects.csv"
    /// One line per skipped record.
    public static let skipped = "skipped.csv"
    /// The statistics of SPEC §5.
    public static let report = "report.json"
    /// The same statistics as one self-contained page.
    public static let reportHTML = "report.html"
    /// The run journal's folder.
    public static let journal = ".journal"
    /// The header of `manifest.csv`.
    public static let manifestHeader = "uuid,group,channel,date,language,bytes,sha256,file\n"
}

/// A group of letters written and recorded together: a fan-out folder of loose
/// envelopes, or one container.
///
/// Letters of one channel and date are numbered in input order; letter n (0-based)
/// of a (channel, date) belongs to batch `n / size + 1`. So a batch's members
/// depend on the input alone, and a resumed run can redo exactly the batches
/// that were not recorded as done.
struct BatchKey: Hashable, Comparable, Sendable {
    let channel: Channel
    let date: CalendarDate
    /// 1-based.
    let number: Int

    /// `0001`.
    var paddedNumber: String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    /// `digital/2021-10-06`: the folder of the batch's date.
    var dateFolder: String { "\(channel.rawValue)/\(date.iso)" }

    /// `digital/2021-10-06/0001`: the folder of a loose batch.
    var looseFolder: String { "\(dateFolder)/\(paddedNumber)" }

    /// `0001.tar.lzma`: the container's file name in ``dateFolder``.
    var containerName: String { "\(paddedNumber).tar.lzma" }

    /// `digital-2021-10-06-0001.csv`: the journal segment that records the batch as done.
    var segmentName: String { "\(channel.rawValue)-\(date.iso)-\(paddedNumber).csv" }

    static func < (lhs: BatchKey, rhs: BatchKey) -> Bool {
        (lhs.channel == .digital ? 0 : 1, lhs.date, lhs.number) < (rhs.channel == .digital ? 0 : 1, rhs.date, rhs.number)
    }
}

/// Assigns letters to batches in input order.
struct BatchNumbering {
    let size: Int
    private var counts: [ChannelDate: Int] = [:]

    struct ChannelDate: Hashable {
        let channel: Channel
        let date: CalendarDate
    }

    init(size: Int) {
        self.size = max(1, size)
    }

    /// The batch of the next letter of this channel and date.
    mutating func next(channel: Channel, date: CalendarDate) -> BatchKey {
        let key = ChannelDate(channel: channel, date: date)
        let index = counts[key, default: 0]
        counts[key] = index + 1
        return BatchKey(channel: channel, date: date, number: index / size + 1)
    }

    /// How many letters batch `key` holds, given the totals per channel and date.
    static func size(of key: BatchKey, total: Int, batchSize: Int) -> Int {
        min(batchSize, total - (key.number - 1) * batchSize)
    }
}
