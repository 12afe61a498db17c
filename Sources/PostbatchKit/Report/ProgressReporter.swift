internal import Glibc
internal import Synchronization

/// Shows the progress of a long run on one terminal line, redrawn in place.
///
/// The pipeline calls ``update(records:letters:rejected:bytesRead:)`` as often as
/// it likes; the line is redrawn at most every ``minimumInterval`` (about five
/// times a second), so calling it often costs little. When the input's size is
/// known the line ends with the share read and an estimate of the time left:
///
/// ```text
/// records 1,234,567 · letters 1,180,002 · rejected 4,321 · 412,000 records/s · 24 % · ETA 0:09
/// ```
///
/// ``finish()`` clears the line so the report that follows starts clean. A
/// disabled reporter writes nothing at all; whether to enable it (standard error
/// is a terminal, `--quiet`, `--progress`) is the command line's decision.
///
/// The line holds counts only, never a CPR number, name or address. It is safe to
/// call from several tasks: the state is behind a `Mutex`.
public final class ProgressReporter: Sendable {
    /// Whether anything is written.
    public let isEnabled: Bool
    /// The input's size in bytes, when known (a file, not a pipe).
    public let totalBytes: Int?
    /// The least time between two redraws.
    public let minimumInterval: Duration

    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var start: ContinuousClock.Instant?
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
        var width = 0
    }

    /// Creates a reporter.
    ///
    /// - Parameters:
    ///   - isEnabled: `false` makes every call do nothing.
    ///   - totalBytes: the input's size, for the share read and the time left;
    ///     `nil` when it is not known (standard input from a pipe).
    ///   - minimumInterval: the least time between two redraws (default 200 ms).
    ///   - now: the clock, replaceable in tests.
    ///   - write: writes text to the terminal, normally standard error, unbuffered.
    public init(
        isEnabled: Bool, totalBytes: Int?, minimumInterval: Duration = .milliseconds(200),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.isEnabled = isEnabled
        self.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
        self.minimumInterval = minimumInterval
        self.now = now
        self.write = write
        self.state = Mutex(State())
    }

    /// Reports the counts so far; redraws the line unless it was drawn less than
    /// ``minimumInterval`` ago.
    ///
    /// - Parameters:
    ///   - records: input records read.
    ///   - letters: letters written (or, for `stats`, classified as letters).
    ///   - rejected: records rejected.
    ///   - bytesRead: bytes of input read, for the share and the time left.
    public func update(records: Int, letters: Int, rejected: Int, bytesRead: Int) {
        draw { elapsed in
            Self.line(records: records, letters: letters, rejected: rejected, bytesRead: bytesRead,
                      totalBytes: totalBytes, elapsed: elapsed)
        }
    }

    /// Redraws the line for the writing pass of a run: letters written of the letters
    /// to write, with rate, share and ETA; at most once per ``minimumInterval``.
    public func update(letters written: Int, of total: Int) {
        draw { elapsed in
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var parts = ["letters \(HTMLPage.grouped(written)) of \(HTMLPage.grouped(total))"]
            if seconds >= 0.05 {
                parts.append("\(HTMLPage.grouped(Int((Double(written) / seconds).rounded()))) letters/s")
            }
            if total > 0 {
                let done = min(1, Double(written) / Double(total))
                parts.append("\(Int(done * 100)) %")
                if done > 0, seconds >= 0.05 { parts.append("ETA \(Self.clock(seconds * (1 - done) / done))") }
            }
            return parts.joined(separator: " · ")
        }
    }

    /// Redraws the line with `text(elapsed)`, at most once per ``minimumInterval``.
    private func draw(_ text: (Duration) -> String) {
        guard isEnabled else { return }
        let instant = now()
        let line: String? = state.withLock { state in
            let start = state.start ?? instant
            state.start = start
            if let last = state.lastDraw, instant - last < minimumInterval { return nil }
            state.lastDraw = instant
            let text = text(instant - start)
            // Pad with spaces over a longer previous line, then return to its start.
            let padding = String(repeating: " ", count: max(0, state.width - text.count))
            state.width = text.count
            state.drawn = true
            return "\r" + text + padding
        }
        if let line { write(line) }
    }

    /// Clears the progress line, if one was drawn, and leaves the cursor at the
    /// start of the empty line.
    public func finish() {
        guard isEnabled else { return }
        let clear: String? = state.withLock { state in
            guard state.drawn else { return nil }
            defer {
                state.drawn = false
                state.width = 0
            }
            return "\r" + String(repeating: " ", count: state.width) + "\r"
        }
        if let clear { write(clear) }
    }

    /// The text of one progress line.
    static func line(records: Int, letters: Int, rejected: Int, bytesRead: Int, totalBytes: Int?,
                     elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var parts = ["records \(HTMLPage.grouped(records))", "letters \(HTMLPage.grouped(letters))",
                     "rejected \(HTMLPage.grouped(rejected))"]
        if seconds >= 0.05 {
            parts.append("\(HTMLPage.grouped(Int((Double(records) / seconds).rounded()))) records/s")
        }
        if let totalBytes {
            let done = min(1, Double(bytesRead) / Double(totalBytes))
            parts.append("\(Int(done * 100)) %")
            if done > 0, seconds >= 0.05 {
                let left = seconds * (1 - done) / done
                parts.append("ETA \(clock(left))")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// `0:09`, `12:34`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }

    /// The size of an input file in bytes, or `nil` for standard input from a
    /// pipe or a file that cannot be examined.
    ///
    /// - Parameter path: the input path, `-` for standard input.
    public static func inputSize(path: String) -> Int? {
        var info = stat()
        let found = path == "-" ? fstat(0, &info) == 0 : stat(path, &info) == 0
        guard found, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        return Int(info.st_size)
    }
}
