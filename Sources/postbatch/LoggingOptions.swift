import ArgumentParser
import Foundation
import Logging

/// `--log-level`: how much postbatch tells on standard error.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Log level on standard error: trace, debug, info, notice, warning, error.",
                               valueName: "level"))
    var logLevel: String = "notice"

    /// Sets up swift-log once for the process and returns the command's logger.
    func bootstrap() -> Logger {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "postbatch")
    }
}
