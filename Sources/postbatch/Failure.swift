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

/// Standard error for the whole process. Messages, log lines (``LoggingOptions``) and the
/// progress line all go through it, so a message never lands on top of a progress frame.
let console = ProgressReporter(style: .off, totalBytes: nil, columns: { ProgressReporter.terminalColumns() }) { text in
    FileHandle.standardError.write(Data(text.utf8))
}

/// Prints `postbatch: error: … [code]` to standard error, and a hint line when one helps.
func report(_ error: any Error) {
    console.message("postbatch: error: \(error)")
    if let hint = (error as? CommandFailure)?.hint ?? hint(for: error) { console.message("hint: \(hint)") }
}

/// Prints the statistics' notes (quoted fields over several lines) to standard error, at most ten.
func reportNotes(_ statistics: Statistics, input: String) {
    let notes = statistics.notes
    guard !notes.isEmpty else { return }
    for note in notes.prefix(10) { console.message("postbatch: warning: \(input): \(note)") }
    if notes.count > 10 { console.message("postbatch: warning: \(input): … (report.json's notes list them all)") }
}

/// Prints `postbatch: error: <message> [<code>]` to standard error, and a hint line when given.
/// The code defaults to `usage` (a flag, a setting or a file named on the command line; exit 2).
func reportMessage(_ message: String, code: String = "usage", hint: String? = nil) {
    console.message("postbatch: error: \(message) [\(code)]")
    if let hint { console.message("hint: \(hint)") }
}

/// Prints `postbatch: <message>` to standard error: what a command did, for a person.
func say(_ message: String) {
    console.message("postbatch: \(message)")
}

/// What to do next, for the errors where the message alone does not say it. (Most of the
/// library's messages end with what to do; these name a file the person may not know of.)
func hint(for error: any Error) -> String? {
    switch error {
    case is CampaignError, is ReportError:
        return "'postbatch config' shows which campaign file and templates are used, and why"
    default:
        return nil
    }
}

/// A failure the command line finds itself (a flag the parser cannot check, a missing
/// file): printed like the library's errors, with a code and an exit status.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let code: String
    var exit = Exit.usage
    var hint: String?

    var description: String { "\(message) [\(code)]" }
}

/// Runs a command body, turning postbatch's errors into a message and SPEC's exit code.
///
/// - Parameter command: with `--format json`, the command's name: a failure then also
///   prints a ``FailureOutput`` document on standard output.
func withExitCodes<T>(json command: String? = nil, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let exit = exitStatus(for: error)
        let problem = CommandOutput.problem(from: error)
        if problem.code == "internal" {
            // Not one of the library's errors: a bug. Say so, and keep SPEC's exit code for a
            // failure during the run (what was written stays valid and resumable).
            reportMessage(problem.message, code: "internal")
        } else {
            report(error)
        }
        if let command {
            let document = FailureOutput(command: command, exitStatus: exit.rawValue, problem: problem)
            FileHandle.standardOutput.write(Data(CommandOutput.json(document).utf8))
        }
        throw exit
    }
}

/// SPEC's exit code for one of postbatch's errors: 2 when nothing was written (usage,
/// configuration, input structure, a refused spool), 3 for I/O during a run.
func exitStatus(for error: any Error) -> ExitCode {
    switch error {
    case let error as CommandFailure:
        return error.exit
    case is InputError, is CampaignError, is ReportError:
        return Exit.usage
    case let error as RunError:
        return error.afterWriting ? Exit.io : Exit.usage
    case let error as LetterError:
        // Template errors stop a run before it writes; a letter that cannot be drawn stops it
        // during the run, where what was written stays valid.
        return error.code == .pdf || error.code == .unprintableText ? Exit.io : Exit.usage
    case let error as EnvelopeError:
        // A schema that is missing or does not compile is configuration, not I/O.
        return error.code == .schemaNotFound || error.code == .schemaLoad ? Exit.usage : Exit.io
    case let error as SpoolError:
        return error.code == .locked || error.code == .notASpool ? Exit.usage : Exit.io
    case let error as DeliveryError:
        let usage: [DeliveryError.Code] = [.configuration, .credentials, .notASpool, .receiptsFile, .inputMismatch]
        return usage.contains(error.code) ? Exit.usage : Exit.io
    default:
        return Exit.io
    }
}

/// Why a file could not be created, in words a person can act on
/// (Foundation's own text on Linux says only "You don't have permission").
func whyCannotCreate(_ path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
        return "\(path) is a folder: name a file"
    }
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
        return "the folder \(folder) does not exist: create it or name a file in an existing folder"
    }
    if !FileManager.default.isWritableFile(atPath: folder) {
        return "the folder \(folder) is not writable for this user: choose another place"
    }
    return "\(path) cannot be written (is it read-only, or on a full or read-only disk?)"
}
