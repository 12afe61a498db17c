internal import Glibc
internal import Synchronization

/// Owns standard error while a command runs: the progress line, and every log line and
/// message printed around it.
///
/// The pipeline calls ``update(phase:records:letters:rejected:bytesRead:)`` or
/// ``update(phase:letters:of:)`` as often as it likes. On a terminal (``Style/redraw``)
/// the line is redrawn in place at most every ``minimumInterval`` (about five times a
/// second), cut to the terminal's width so it never wraps; when the input's size is known
/// it ends with the share done and an estimate of the time left:
///
/// ```text
/// reading input · records 1,234,567 · letters 1,180,002 · rejected 4,321 · 412,000 records/s · 24 % · ETA 0:09
/// ```
///
/// When standard error is not a terminal but progress was asked for (``Style/plain(every:)``),
/// the same text is written as a plain line every ten seconds instead of `\r` frames.
///
/// ``message(_:)`` is the only way anything else reaches standard error while a
/// reporter is in use: it clears the progress line, prints the message on a line of its
/// own, and draws the progress line again below it, so a log line never lands on top of
/// a frame (the way rclone does it). ``finish()`` clears the line so the report that
/// follows starts clean. A disabled reporter draws no progress, but still prints messages.
///
/// The line holds counts only, never a CPR number, name or address. It is safe to
/// call from several tasks: the state is behind a `Mutex`.
public final class ProgressReporter: Sendable {
    /// How progress is shown.
    public enum Style: Sendable, Equatable {
        /// No progress; messages only.
        case off
        /// One line redrawn in place (standard error is a terminal).
        case redraw
        /// A plain line at most this often (standard error is a file or a pipe).
        case plain(every: Duration)
    }

    /// The least time between two redraws on a terminal.
    public let minimumInterval: Duration

    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> ContinuousClock.Instant
    private let columns: @Sendable () -> Int?
    private let state: Mutex<State>

    private struct State {
        var style: Style
        var totalBytes: Int?
        /// Rates and times left count from here: ``show(_:totalBytes:)``, a new phase, or the first update.
        var start: ContinuousClock.Instant?
        /// The phase last drawn.
        var phase: String?
        var lastDraw: ContinuousClock.Instant?
        /// The text of the frame on screen (redraw), or `nil` when none is.
        var frame: String?
    }

    /// Erases from the cursor to the end of the line (ANSI EL).
    static let eraseLine = "\u{1B}[K"

    /// Creates a reporter.
    ///
    /// - Parameters:
    ///   - isEnabled: `false` draws no progress; `true` redraws one line (a terminal).
    ///   - totalBytes: the input's size, for the share read and the time left;
    ///     `nil` when it is not known (standard input from a pipe).
    ///   - minimumInterval: the least time between two redraws (default 200 ms).
    ///   - now: the clock, replaceable in tests.
    ///   - columns: the terminal's width, asked at every redraw (default: unknown, no cut).
    ///   - write: writes text to the terminal, normally standard error, unbuffered.
    public convenience init(
        isEnabled: Bool, totalBytes: Int?, minimumInterval: Duration = .milliseconds(200),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        columns: @escaping @Sendable () -> Int? = { nil },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.init(style: isEnabled ? .redraw : .off, totalBytes: totalBytes, minimumInterval: minimumInterval,
                  now: now, columns: columns, write: write)
    }

    /// Creates a reporter with a ``Style``; the other parameters are those of
    /// ``init(isEnabled:totalBytes:minimumInterval:now:columns:write:)``.
    public init(
        style: Style, totalBytes: Int?, minimumInterval: Duration = .milliseconds(200),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        columns: @escaping @Sendable () -> Int? = { nil },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.minimumInterval = minimumInterval
        self.now = now
        self.columns = columns
        self.write = write
        self.state = Mutex(State(style: style, totalBytes: totalBytes.flatMap { $0 > 0 ? $0 : nil }))
    }

    /// Whether progress is shown at all.
    public var isEnabled: Bool { state.withLock { $0.style != .off } }

    /// The input's size in bytes, when known (a file, not a pipe).
    public var totalBytes: Int? { state.withLock { $0.totalBytes } }

    /// Changes how progress is shown from now on (a command decides after parsing its flags).
    ///
    /// - Parameters:
    ///   - style: off, redrawn in place, or plain lines.
    ///   - totalBytes: the input's size, for the share read and the time left.
    public func show(_ style: Style, totalBytes: Int? = nil) {
        finish()
        let instant = now()
        state.withLock { state in
            state.style = style
            state.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
            state.start = instant
            state.phase = nil
            state.lastDraw = nil
        }
    }

    /// Reports the counts so far; redraws the line unless it was drawn less than
    /// ``minimumInterval`` ago.
    ///
    /// - Parameters:
    ///   - phase: what is being done (`reading input`), shown first; `nil` for none.
    ///   - records: input records read.
    ///   - letters: letters written (or, for `stats`, classified as letters).
    ///   - rejected: records rejected.
    ///   - bytesRead: bytes of input read, for the share and the time left.
    public func update(phase: String? = nil, records: Int, letters: Int, rejected: Int, bytesRead: Int) {
        draw(phase: phase) { elapsed, totalBytes in
            Self.joined(phase, Self.line(records: records, letters: letters, rejected: rejected, bytesRead: bytesRead,
                                         totalBytes: totalBytes, elapsed: elapsed))
        }
    }

    /// Redraws the line for a pass whose total is known: `letters` done of `total`,
    /// with rate, share and ETA; at most once per ``minimumInterval``.
    public func update(phase: String? = nil, letters written: Int, of total: Int) {
        draw(phase: phase) { elapsed, _ in
            let seconds = Self.seconds(elapsed)
            var parts = ["letters \(HTMLPage.grouped(written)) of \(HTMLPage.grouped(total))"]
            if seconds >= 0.05 {
                parts.append("\(HTMLPage.grouped(Int((Double(written) / seconds).rounded()))) letters/s")
            }
            if total > 0 {
                let done = min(1, Double(written) / Double(total))
                parts.append("\(Int(done * 100)) %")
                if done > 0, seconds >= 0.05 { parts.append("ETA \(Self.clock(seconds * (1 - done) / done))") }
            }
            return Self.joined(phase, parts.joined(separator: " · "))
        }
    }

    /// Prints `line` on a line of its own: clears the progress line first and draws it
    /// again after, so the two never mix. Without a progress line it just prints.
    public func message(_ line: String) {
        let text: String = state.withLock { state in
            let body = line.hasSuffix("\n") ? line : line + "\n"
            guard let frame = state.frame else { return body }
            return "\r" + Self.eraseLine + body + "\r" + frame + Self.eraseLine
        }
        write(text)
    }

    /// Draws `text(elapsed)`: in place at most once per ``minimumInterval`` on a terminal,
    /// as a plain line at most once per the plain interval otherwise. A new phase restarts
    /// the clock of rates and times left, and is drawn at once on a terminal.
    private func draw(phase: String?, _ text: (Duration, Int?) -> String) {
        let instant = now()
        let output: String? = state.withLock { state in
            let interval: Duration
            switch state.style {
            case .off: return nil
            case .redraw: interval = minimumInterval
            case .plain(let every): interval = every
            }
            if let phase, phase != state.phase {
                if state.phase != nil {
                    state.start = instant
                    if state.style == .redraw { state.lastDraw = nil }
                }
                state.phase = phase
            }
            let start = state.start ?? instant
            state.start = start
            // A plain line waits a whole interval first: a short run prints none.
            let last = state.lastDraw ?? (state.style == .redraw ? nil : start)
            if let last, instant - last < interval { return nil }
            state.lastDraw = instant
            let line = text(instant - start, state.totalBytes)
            guard state.style == .redraw else { return line + "\n" }
            let cut = Self.fitted(line, columns: columns())
            state.frame = cut
            return "\r" + cut + Self.eraseLine
        }
        if let output { write(output) }
    }

    /// Clears the progress line, if one was drawn, and leaves the cursor at the
    /// start of the empty line.
    public func finish() {
        let clear: Bool = state.withLock { state in
            defer { state.frame = nil }
            return state.frame != nil
        }
        if clear { write("\r" + Self.eraseLine) }
    }

    /// `line` cut to one column less than the terminal's width (a full last column makes
    /// some terminals wrap), with `…` where it was cut.
    static func fitted(_ line: String, columns: Int?) -> String {
        guard let columns, columns > 1, line.count > columns - 1 else { return line }
        return String(line.prefix(max(0, columns - 2))) + "…"
    }

    private static func joined(_ phase: String?, _ text: String) -> String {
        phase.map { "\($0) · \(text)" } ?? text
    }

    static func seconds(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The text of one progress line.
    static func line(records: Int, letters: Int, rejected: Int, bytesRead: Int, totalBytes: Int?,
                     elapsed: Duration) -> String {
        let seconds = Self.seconds(elapsed)
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

    /// The width of the terminal on file descriptor `descriptor` in columns, or `nil`
    /// when it is not a terminal or does not say.
    public static func terminalColumns(descriptor: Int32 = 2) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
