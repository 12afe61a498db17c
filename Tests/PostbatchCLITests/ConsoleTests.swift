import Foundation
import PostbatchTesting
import Testing

/// What an operator sees on standard error: in a real pseudo-terminal (`script`), and in a file.
@Suite("the operator's console", .serialized)
struct ConsoleTests {
    /// A terminal of `columns` columns that applies what a program wrote: `\r`, ESC[K, line
    /// breaks, and a wrap at the last column, as a real one does.
    struct Screen {
        let columns: Int
        var lines: [String] = [""]
        var column = 0

        init(columns: Int, text: String) {
            self.columns = columns
            var scalars = Array(text.unicodeScalars)[...]
            while let scalar = scalars.popFirst() {
                switch scalar {
                case "\r": column = 0
                case "\n":
                    lines.append("")
                    column = 0
                case "\u{1B}":
                    // Only ESC [ K (erase to the end of the line) is expected; skip any other CSI.
                    guard scalars.first == "[" else { continue }
                    var sequence = ""
                    while let next = scalars.popFirst() {
                        sequence.unicodeScalars.append(next)
                        if next.properties.isAlphabetic { break }
                    }
                    if sequence == "[K" { lines[lines.count - 1] = String(lines[lines.count - 1].prefix(column)) }
                default:
                    if column == columns {
                        lines.append("")
                        column = 0
                    }
                    put(Character(scalar))
                }
            }
        }

        private mutating func put(_ character: Character) {
            var line = Array(lines[lines.count - 1])
            while line.count < column { line.append(" ") }
            if column < line.count { line[column] = character } else { line.append(character) }
            lines[lines.count - 1] = String(line)
            column += 1
        }
    }

    /// Runs postbatch in a pseudo-terminal of `columns` columns; standard output and error both reach it.
    func inTerminal(_ arguments: [String], columns: Int) throws -> (status: Int32, output: String) {
        let command = (["stty", "cols", "\(columns)", "rows", "40;", CLI.binary.path] + arguments)
            .map { $0.hasSuffix(";") ? $0 : "'\($0)'" }.joined(separator: " ")
        let result = try CLI.execute(URL(fileURLWithPath: "/usr/bin/script"), ["-qefc", command, "/dev/null"])
        return (result.status, result.stdout)
    }

    @Test("in a terminal, log lines never land on a progress frame, nothing wraps, and no frame is left behind")
    func terminal() throws {
        let directory = try Scratch.folder("console")
        let csv = try CLI.generate(["--count", "3000", "--seed", "16", "--defect-rate", "0.05"], into: directory)
        let spool = directory.appendingPathComponent("spool").path
        let run = try inTerminal(["run", csv.path, "--spool", spool, "--log-level", "info", "--now", "2021-10-01T08:00:00Z"],
                                 columns: 60)
        #expect(run.status == 0, "\(run.output)")
        // Frames were drawn (a carriage return, a phase name … ESC[K), each cut to 59 columns.
        let frames = run.output.components(separatedBy: "\r").compactMap { piece -> String? in
            guard piece.hasPrefix("reading input · ") || piece.hasPrefix("writing letters · "),
                  let end = piece.range(of: "\u{1B}[K") else { return nil }
            return String(piece[..<end.lowerBound])
        }
        #expect(!frames.isEmpty, "\(run.output)")
        #expect(frames.allSatisfy { $0.count <= 59 }, "\(frames)")
        let screen = Screen(columns: 60, text: run.output)
        let logLines = screen.lines.filter { $0.contains("postbatch: info:") }
        #expect(logLines.count >= 3, "\(screen.lines)")
        #expect(logLines.allSatisfy { $0.hasPrefix("postbatch: info:") }, "a log line joined a frame: \(logLines)")
        #expect(!screen.lines.contains { $0.contains(" · ") }, "a frame stayed: \(screen.lines)")
        let last = try #require(screen.lines.last { $0.hasPrefix("postbatch: ") })
        #expect(last.hasPrefix("postbatch: wrote 2,"), "\(screen.lines)")
        #expect(run.output.replacingOccurrences(of: "\r\n", with: "").contains("letters/s, into \(spool)"))
    }

    @Test("--progress with standard error in a file: plain lines, never a carriage return")
    func notATerminal() throws {
        let directory = try Scratch.folder("console")
        let csv = try CLI.generate(["--count", "200", "--seed", "16"], into: directory)
        let spool = directory.appendingPathComponent("spool").path
        let run = try CLI.run(["run", csv.path, "--spool", spool, "--progress"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("\r") && !run.stderr.contains("\u{1B}"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("postbatch: ") }, "\(run.stderr)")
        let again = try CLI.run(["run", csv.path, "--spool", spool])
        // "Nothing new" is said once, in the final line.
        #expect(again.stderr.components(separatedBy: "nothing new").count == 2, "\(again.stderr)")
    }

    @Test("errors: postbatch: error: … [code], a hint where one helps, SPEC's exit codes", arguments: [
        (["run", "samples/records.csv"], "[usage]", "hint: see 'postbatch run --help'", Int32(2)),
        (["run", "samples/records.csv", "--log-level", "loud", "--dry-run"], "[usage]", "hint: see", Int32(2)),
        (["verify", "/nonexistent/spool"], "[not_a_spool]", nil, Int32(2)),
        (["stats", "samples/records.csv", "--campaign", "/nonexistent.toml"], "]", "hint: 'postbatch config'", Int32(2)),
        (["stats", "/nonexistent.csv"], "]", nil, Int32(2)),
    ] as [([String], String, String?, Int32)])
    func errors(arguments: [String], code: String, hint: String?, status: Int32) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        let first = try #require(lines.first)
        #expect(first.hasPrefix("postbatch: error: ") && first.hasSuffix(code), "\(result.stderr)")
        #expect(!result.stderr.contains("Error:") && !result.stderr.contains("Usage:"), "\(result.stderr)")
        if let hint {
            #expect(lines.count == 2 && lines[1].hasPrefix(hint), "\(result.stderr)")
        } else {
            #expect(lines.count == 1, "\(result.stderr)")
        }
    }

    @Test("help at 80 columns: every example is one command per line, never wrapped in the middle")
    func helpExamples() throws {
        let commands = ["", "run", "preview", "stats", "validate", "verify", "deliver", "receipts", "status", "fallback",
                        "config"]
        for command in commands {
            let result = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                         ["COLUMNS=80", CLI.binary.path] + (command.isEmpty ? ["--help"] : [command, "--help"]))
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(where: { $0.hasSuffix("Examples:") }) else { continue }
            var previous = ""
            for line in lines[(start + 1)...] {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                let text = line.trimmingCharacters(in: .whitespaces)
                // A line is a command, or the continuation of one that ended in a backslash.
                let program = text.split(separator: " ").first { !$0.contains("=") }   // after VAR=value
                #expect(program == "postbatch" || previous.hasSuffix("\\"), "\(command): '\(line)'")
                #expect(line.count <= 80, "\(command): '\(line)'")
                previous = text
            }
        }
        let overview = try CLI.run(["--help"]).stdout
        #expect(!overview.contains("Sends the"), "\(overview)")
    }
}
