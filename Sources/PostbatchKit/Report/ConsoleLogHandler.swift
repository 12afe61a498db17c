public import Foundation
public import Logging

/// A swift-log handler that formats each entry as one line and hands it to a writer,
/// normally ``ProgressReporter/message(_:)``, so log lines and the progress line never mix.
///
/// Text (the default) reads like the rest of postbatch's messages, with the metadata
/// after the message, sorted by key:
///
/// ```text
/// postbatch: warning: some letters were rendered by the reference renderer (letters=3)
/// ```
///
/// JSON is one object per line, for log collectors:
///
/// ```json
/// {"label":"postbatch","level":"warning","message":"…","metadata":{"letters":"3"},"time":"2026-11-30T02:10:55Z"}
/// ```
///
/// With `colour` the level word of text lines is coloured (red errors, yellow warnings);
/// the command line turns it off when `NO_COLOR` is set or standard error is not a terminal.
public struct ConsoleLogHandler: LogHandler {
    /// How entries are written.
    public enum Format: String, Sendable, CaseIterable {
        /// `postbatch: level: message (key=value, …)`.
        case text
        /// One JSON object per line.
        case json
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    /// The handler's label (`postbatch`).
    public let label: String
    /// Text or JSON.
    public let format: Format
    /// Whether text lines colour their level word (ANSI).
    public let colour: Bool
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - level: entries below it are dropped.
    ///   - format: text or JSON.
    ///   - colour: colour the level word of text lines.
    ///   - now: the clock for JSON's `time`, replaceable in tests.
    ///   - write: receives each formatted line, without its line break.
    public init(label: String, level: Logger.Level, format: Format, colour: Bool,
                now: @escaping @Sendable () -> Date = { Date() },
                write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.colour = colour && format == .text
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(line(level: event.level, message: "\(event.message)", metadata: merged))
    }

    /// One formatted entry.
    func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            let pairs = keys.map { "\($0)=\(metadata[$0].map(Self.text) ?? "")" }
            let word = colour ? Self.coloured(level) : level.rawValue
            return "\(label): \(word): \(message)" + (pairs.isEmpty ? "" : " (\(pairs.joined(separator: ", ")))")
        case .json:
            var fields: [String: Any] = [
                "time": ISO8601DateFormatter().string(from: now()), "level": level.rawValue, "label": label,
                "message": message,
            ]
            if !metadata.isEmpty {
                fields["metadata"] = Dictionary(uniqueKeysWithValues: keys.map { ($0, Self.json(metadata[$0]!)) })
            }
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let value): return value.description
        case .array(let values): return "[" + values.map(text).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            return "[" + entries.keys.sorted().map { "\($0): \(text(entries[$0]!))" }.joined(separator: ", ") + "]"
        }
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let value): return value.description
        case .array(let values): return values.map(json)
        case .dictionary(let entries): return entries.mapValues(json)
        }
    }

    /// The level word in ANSI colour: red for error and critical, yellow for warning, bold for notice.
    private static func coloured(_ level: Logger.Level) -> String {
        let code: String
        switch level {
        case .critical, .error: code = "31"
        case .warning: code = "33"
        case .notice: code = "1"
        default: return level.rawValue
        }
        return "\u{1B}[\(code)m\(level.rawValue)\u{1B}[0m"
    }
}
