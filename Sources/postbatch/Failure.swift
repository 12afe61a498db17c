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

/// Prints the statistics' notes (quoted fields over several lines) to standard error, at most ten.
func reportNotes(_ statistics: Statistics, input: String) {
    let notes = statistics.notes
    guard !notes.isEmpty else { return }
    var text = notes.prefix(10).map { "postbatch: warning: \(input): \($0)\n" }.joined()
    if notes.count > 10 { text += "postbatch: warning: \(input): … (report.json's notes list them all)\n" }
    FileHandle.standardError.write(Data(text.utf8))
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
        throw error.afterWriting ? Exit.io : Exit.usage
    } catch let error as LetterError {
        report(error)
        // Template errors stop a run before it writes; a letter that cannot be drawn stops it
        // during the run, where what was written stays valid.
        throw error.code == .pdf || error.code == .unprintableText ? Exit.io : Exit.usage
    } catch let error as EnvelopeError {
        report(error)
        // A schema that is missing or does not compile is configuration, not I/O.
        throw error.code == .schemaNotFound || error.code == .schemaLoad ? Exit.usage : Exit.io
    } catch let error as SpoolError {
        report(error)
        throw error.code == .locked || error.code == .notASpool ? Exit.usage : Exit.io
    } catch let error as ExitCode {
        throw error
    } catch {
        // Not one of the library's errors: a bug. Say so, and keep SPEC's exit code for a
        // failure during the run (what was written stays valid and resumable).
        reportMessage("\(error) [internal]")
        throw Exit.io
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
