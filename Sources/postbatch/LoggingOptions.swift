import ArgumentParser
import Foundation
import Logging
import PostbatchKit
import Synchronization

/// `--log-level` and `--log-format`: how much postbatch tells on standard error, and how.
///
/// Every command has them. ``Postbatch/main()`` sets up swift-log from the parsed
/// command's options before it runs; log lines go through ``console``, so they never mix
/// with the progress line. No colour when `NO_COLOR` is set or standard error is not a terminal.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Log level on standard error.", valueName: "level"))
    var logLevel: Logger.Level = .notice

    @Option(help: ArgumentHelp("Log lines as text or json (one object per line).", valueName: "format"))
    var logFormat: ConsoleLogHandler.Format = .text

    /// Sets up swift-log for the process from these options, once (later calls only return
    /// the logger), and returns the command's logger.
    @discardableResult
    func bootstrap() -> Logger {
        Self.bootstrap(level: logLevel, format: logFormat)
    }

    /// Sets up swift-log for the process, once, with a level and a format (the defaults for
    /// a command without these options, like `help`).
    @discardableResult
    static func bootstrap(level: Logger.Level = .notice, format: ConsoleLogHandler.Format = .text) -> Logger {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            let colour = isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            LoggingSystem.bootstrap { label in
                ConsoleLogHandler(label: label, level: level, format: format, colour: colour) { line in
                    console.message(line)
                }
            }
        }
        return Logger(label: "postbatch")
    }
}

/// Whether swift-log has been set up (it may be only once per process).
private let bootstrapped = Mutex(false)

/// A command with ``LoggingOptions``: `main` sets up logging from them before running it.
protocol LoggingCommand {
    var logging: LoggingOptions { get }
}

extension RunCommand: LoggingCommand {}
extension PreviewCommand: LoggingCommand {}
extension StatsCommand: LoggingCommand {}
extension ValidateCommand: LoggingCommand {}
extension VerifyCommand: LoggingCommand {}
extension DeliverCommand: LoggingCommand {}
extension ReceiptsCommand: LoggingCommand {}
extension StatusCommand: LoggingCommand {}
extension FallbackCommand: LoggingCommand {}
extension ConfigCommand: LoggingCommand {}
extension GenerateCommand: LoggingCommand {}
