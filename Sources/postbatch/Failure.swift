import ArgumentParser
import Foundation
import PostbatchKit

/// Exit codes of SPEC §4.
enum Exit {
    /// The run finished but some records were rejected (only with `--strict`).
    static let rejected = ExitCode(1)
    /// Usage, configuration or input-structure error: nothing written.
    static let usage = ExitCode(2)
    /// An I/O failure during the run: what was written stays valid and resumable.
    static let io = ExitCode(3)
}

/// Prints `error: …` to standard error.
func report(_ error: any Error) {
    reportMessage(String(describing: error))
}

/// Prints `error: <message>` to standard error.
func reportMessage(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Runs a command body, turning postbatch's errors into a message and SPEC's exit code.
func withExitCodes<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as InputError {
        report(error)
        throw Exit.usage
    } catch let error as CampaignError {
        report(error)
        throw Exit.usage
    } catch let error as RunError {
        report(error)
        throw Exit.usage
    } catch let error as LetterError {
        report(error)
        throw error.code == .pdf ? Exit.io : Exit.usage
    } catch let error as EnvelopeError {
        report(error)
        throw Exit.io
    } catch let error as SpoolError {
        report(error)
        throw error.code == .locked ? Exit.usage : Exit.io
    }
}
