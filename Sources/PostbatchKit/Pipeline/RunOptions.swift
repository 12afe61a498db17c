internal import Synchronization
internal import Glibc

/// What `postbatch run` is asked to do.
public struct RunOptions: Sendable {
    /// How envelopes are stored in the spool.
    public enum Container: String, CaseIterable, Sendable {
        /// One `<uuid>.xml` file per letter, in folders of ``SpoolLayout/lettersPerFolder``.
        case none
        /// LZMA-compressed tar archives of at most ``RunOptions/perContainer`` messages.
        case tarLZMA = "tar.lzma"
    }

    /// The input CSV, or `-` for standard input.
    public var input: String
    /// The spool folder.
    public var spool: String
    /// `;` or `,`; `nil` detects it from the header.
    public var delimiter: Character?
    /// The MeMo version of digital envelopes.
    public var memoVersion: MemoVersion
    /// Loose files or tar.lzma containers.
    public var container: Container
    /// Messages per container (with ``Container/tarLZMA``).
    public var perContainer: Int
    /// How containers are compressed: postbatch's encoder by default, or liblzma at a
    /// preset 0–9 (`--lzma-encoder`, `--lzma-level`).
    ///
    /// Letters of a container share their fonts and body, so both compress them to well
    /// under a kilobyte each; postbatch's encoder does it about four times as fast as
    /// liblzma's preset 1, which is itself five times the speed of the xz default (6).
    public var compression: LZMACompression
    /// The time written into envelopes; `nil` uses the clock on a new run and the
    /// first attempt's time when a run is resumed.
    public var now: Timestamp?
    /// Do everything but write: nothing is created, the report is returned.
    public var dryRun: Bool
    /// Start over in a spool that holds another run (its envelopes are removed).
    public var forceNewRun: Bool
    /// Letters rendered at once; defaults to the number of cores.
    public var workers: Int
    /// The PDF renderer: the fast path (default) or the reference renderer for every letter.
    public var renderer: RendererChoice
    /// Write only the letters of one shard (the whole input is still classified).
    public var shard: Shard?
    /// Set to stop the run at the next letter boundary (SIGINT, SIGTERM).
    public let cancellation: RunCancellation
    /// Refuse, before writing anything, an input with a quoted field over several lines
    /// (`--strict`): one stray `"` can join many records into one field.
    public var refuseQuotedLineBreaks = false
    /// The language of the spool's `report.html`; `nil` takes the campaign's (`--report-language`).
    public var reportLanguage: Language?

    /// Options with the defaults of `postbatch run`.
    public init(input: String, spool: String, delimiter: Character? = nil, memoVersion: MemoVersion = .standard,
                container: Container = .none, perContainer: Int = 500,
                compression: LZMACompression = .standard,
                now: Timestamp? = nil, dryRun: Bool = false,
                forceNewRun: Bool = false, workers: Int? = nil, renderer: RendererChoice = .fast, shard: Shard? = nil,
                cancellation: RunCancellation = RunCancellation()) {
        self.input = input
        self.spool = spool
        self.delimiter = delimiter
        self.memoVersion = memoVersion
        self.container = container
        self.perContainer = perContainer
        if case .preset(let level) = compression {
            self.compression = .preset(min(9, max(0, level)))
        } else {
            self.compression = compression
        }
        self.now = now
        self.dryRun = dryRun
        self.forceNewRun = forceNewRun
        self.workers = max(1, workers ?? RunOptions.coreCount)
        self.renderer = renderer
        self.shard = shard
        self.cancellation = cancellation
    }

    /// The cores this process may use.
    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// One of N parts of a run, by a hash of the CPR number: `--shard 2/4`.
///
/// Every shard classifies the whole input, so waves, duplicates and file names are
/// those of a single run; the union of the N shard spools holds the same envelopes.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    /// How many shards the mailing is split into.
    public let count: Int

    /// Reads `K/N` with 1 ≤ K ≤ N.
    public init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              count >= 1, (1...count).contains(index)
        else { return nil }
        self.index = index
        self.count = count
    }

    /// Whether a letter belongs to this shard.
    public func contains(_ cpr: CPR) -> Bool {
        // A fixed multiplicative hash: the same on every machine and run.
        let mixed = (cpr.key &* 0x9E37_79B9_7F4A_7C15) >> 17
        return Int(mixed % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}

/// A flag a signal handler sets to stop a run at the next letter boundary.
public final class RunCancellation: Sendable {
    private let signal = Atomic<Int32>(0)

    /// A flag that is not set.
    public init() {}

    /// Asks the run to stop; `signal` is remembered for the exit code (130 for SIGINT, 143 for SIGTERM).
    public func cancel(signal number: Int32) {
        signal.store(number, ordering: .relaxed)
    }

    /// The signal that stopped the run, or `nil`.
    public var signalNumber: Int32? {
        let value = signal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Whether a stop was asked for.
    public var isCancelled: Bool { signalNumber != nil }
}
