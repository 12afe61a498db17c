import Foundation
import PostbatchTesting
import Testing

/// The shell completion scripts the binary generates: bash's is run (its `compgen` answers
/// are checked in a folder with a CSV, a TOML file and a spool folder), and so are fish's
/// (`complete -C`); zsh's must parse (`zsh -n`) and name the same values and kinds (zsh has
/// no way to ask for completions outside an interactive shell short of a pseudo-terminal).
@Suite("shell completions and the man page", .serialized)
struct CompletionTests {
    /// What bash offers for the last word of `line` (`postbatch run --container ''`).
    func bash(_ line: [String], script: URL, in directory: URL) throws -> [String] {
        let words = line.map { "'\($0)'" }.joined(separator: " ")
        let driver = """
            shopt -s extglob
            source '\(script.path)'
            COMP_WORDS=(\(words))
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            # As bash's `complete -F` calls it: the command, the word being completed, the one before.
            _postbatch postbatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try CLI.execute(URL(fileURLWithPath: "/bin/bash"), ["--norc", "-c", driver], in: directory)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    /// A folder with a CSV, a TOML file and a spool folder, and `shell`'s generated script in it.
    func folder(for shell: String) throws -> (directory: URL, script: URL) {
        let directory = try Scratch.folder("completion")
        let script = directory.appendingPathComponent("postbatch.\(shell)")
        let generated = try CLI.run(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        try Data(generated.stdout.utf8).write(to: script)
        try Data("cpr\n".utf8).write(to: directory.appendingPathComponent("export.csv"))
        try Data("[campaign]\n".utf8).write(to: directory.appendingPathComponent("mine.toml"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("outbox"),
                                                withIntermediateDirectories: true)
        return (directory, script)
    }

    @Test("bash: files for the input and --campaign, folders for --spool, verify and validate, every enumerated value")
    func bashCompletes() throws {
        let (directory, script) = try folder(for: "bash")

        let cases: [([String], [String])] = [
            (["postbatch", "run", "--container", ""], ["none", "tar.lzma"]),
            (["postbatch", "run", "--renderer", ""], ["fast", "reference"]),
            (["postbatch", "run", "--memo-version", ""], ["1.1", "1.2"]),
            (["postbatch", "run", "--format", ""], ["json", "text"]),
            (["postbatch", "run", "--report-language", ""], ["da", "en"]),
            (["postbatch", "stats", "--format", ""], ["csv", "html", "json", "table"]),
            (["postbatch", "verify", "--log-level", ""], ["critical", "debug", "error", "info", "notice", "trace", "warning"]),
            (["postbatch", "validate", "--log-format", ""], ["json", "text"]),
            (["postbatch", "preview", "--group", ""],
             ["1", "2", "3", "4", "5", "bank", "bank-update", "citizen-service", "mitid-dk", "mitid-dk-update"]),
            (["postbatch", "preview", "--language", ""], ["da", "en"]),
            (["postbatch", "preview", "--format", ""], ["pdf", "text", "xml"]),
            (["postbatch", "run", "--spool", ""], ["outbox"]),
            (["postbatch", "verify", ""], ["outbox"]),
            (["postbatch", "validate", ""], ["outbox"]),
            (["postbatch", "run", "--campaign", ""], ["mine.toml", "outbox"]),
            (["postbatch", "stats", "ex"], ["export.csv"]),
        ]
        for (line, expected) in cases {
            let offered = try bash(line, script: script, in: directory)
            #expect(offered == expected, "\(line.joined(separator: " ")) offers \(offered)")
        }
        let subcommands = try bash(["postbatch", ""], script: script, in: directory)
        #expect(subcommands.contains("run") && subcommands.contains("verify"))
        #expect(!subcommands.contains("generate"), "the hidden command is not offered")
    }

    @Test("fish: the same files, folders and values as bash, asked with `complete -C`")
    func fishCompletes() throws {
        let (directory, script) = try folder(for: "fish")
        /// What fish offers for `line` (the candidates, without their descriptions).
        func offered(_ line: String) throws -> [String] {
            let result = try CLI.execute(URL(fileURLWithPath: "/usr/bin/fish"),
                                         ["--no-config", "-c", "source \(script.path); complete -C '\(line)'"],
                                         in: directory)
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }.sorted()
        }
        let cases: [(String, [String])] = [
            ("postbatch run --container ", ["none", "tar.lzma"]),
            ("postbatch run --renderer ", ["fast", "reference"]),
            ("postbatch run --report-language ", ["da", "en"]),
            ("postbatch stats --format ", ["csv", "html", "json", "table"]),
            ("postbatch verify --log-level ", ["critical", "debug", "error", "info", "notice", "trace", "warning"]),
            ("postbatch run --spool ", ["outbox/"]),
            ("postbatch verify ", ["outbox/"]),
            ("postbatch validate ", ["outbox/"]),
            ("postbatch run --campaign ", ["mine.toml", "outbox/"]),
        ]
        for (line, expected) in cases {
            let candidates = try offered(line)
            #expect(candidates == expected, "\(line) offers \(candidates)")
        }
        let subcommands = try offered("postbatch ")
        #expect(subcommands.contains("run") && subcommands.contains("verify"))
        #expect(!subcommands.contains("generate"), "the hidden command is not offered")
    }

    @Test("zsh: the script parses (zsh -n) and names the same values and kinds")
    func zshScript() throws {
        let directory = try Scratch.folder("completion")
        let generated = try CLI.run(["--generate-completion-script", "zsh"])
        #expect(generated.status == 0)
        let script = generated.stdout
        let file = directory.appendingPathComponent("_postbatch")
        try Data(script.utf8).write(to: file)
        let parsed = try CLI.execute(URL(fileURLWithPath: "/usr/bin/zsh"), ["-n", file.path], in: directory)
        #expect(parsed.status == 0 && parsed.stderr.isEmpty, "\(parsed.stderr)")
        for value in ["tar.lzma", "reference", "1.1", "citizen-service", "critical", "html"] {
            #expect(script.contains(value), "zsh: \(value)")
        }
        // Folder completion for --spool, file completion restricted to .toml for --campaign.
        #expect(script.contains("_files -/") && script.contains("*.toml"), "\(script.prefix(2000))")
    }

    @Test("the man page: scripts/man-page.py drops the hidden commands and lists SPEC's exit codes")
    func manPage() throws {
        let directory = try Scratch.folder("completion")
        let help = try CLI.run(["--experimental-dump-help"])
        #expect(help.status == 0)
        let helpFile = directory.appendingPathComponent("help.json")
        try Data(help.stdout.utf8).write(to: helpFile)
        // The shape the generate-manual plugin writes: one entry per subcommand in a list,
        // each with its own nested list of options.
        func entry(_ name: String) -> String {
            ".It Em \(name)\nWhat \(name) does.\n.Bl -tag -width 6n\n.It Fl -\(name)-option\nAn option.\n.El"
        }
        let page = directory.appendingPathComponent("postbatch.1")
        let plugin = [".Dd November 30, 2026", ".Dt POSTBATCH 1", ".Sh DESCRIPTION", ".Bl -tag -width 6n",
                      entry("run"), entry("config"), entry("generate"), entry("help"), ".El",
                      ".Sh \"EXIT STATUS\"", ".Ex -std", ""].joined(separator: "\n")
        try Data(plugin.utf8).write(to: page)
        let result = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", "scripts/man-page.py", page.path, helpFile.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(!text.contains("generate"), "\(text)")
        for name in ["run", "config", "help"] { #expect(text.contains(".It Em \(name)\nWhat \(name) does.")) }
        #expect(text.components(separatedBy: ".Bl").count == text.components(separatedBy: ".El").count, "lists balanced")
        #expect(!text.contains(".Ex -std"))
        for code in ["0", "1", "2", "3", "130", "143"] { #expect(text.contains("\n.It \(code)\n"), "exit \(code)") }
    }
}
