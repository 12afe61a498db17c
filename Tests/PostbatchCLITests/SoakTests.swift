import Foundation
import Testing
import PostbatchTesting

/// Random interleavings of kill -9, input replacement, `--force-new-run` and re-runs on one
/// spool. After each, the spool either is refused for holding another run, or verifies and
/// equals an uninterrupted run's spool file for file.
///
/// `make test` runs `POSTBATCH_SOAK_ITERATIONS` (20 by default: about a minute in a debug
/// build); `POSTBATCH_SOAK_ITERATIONS=200 swift test --filter Soak` is the full soak.
@Suite("Soak", .serialized)
struct SoakTests {
    static let now = "2021-10-01T08:00:00Z"
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["POSTBATCH_SOAK_ITERATIONS"] ?? "") ?? 20 }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("kill -9, input replacement, --force-new-run and re-runs in random order never lose or mix a letter")
    func soak() throws {
        let directory = try Scratch.folder("soak")
        // Two inputs under one name: replacing the file is then all that changes.
        let input = directory.appendingPathComponent("records.csv")
        let contents = [try Data(contentsOf: try CLI.generate(["--count", "2000", "--seed", "21"], into: directory, name: "a.csv")),
                        try Data(contentsOf: try CLI.generate(["--count", "2000", "--seed", "22"], into: directory, name: "b.csv"))]
        var references: [[String: Data]] = []
        for (index, content) in contents.enumerated() {
            try content.write(to: input)
            let reference = directory.appendingPathComponent("reference-\(index)")
            #expect(try CLI.run(["run", input.path, "--spool", reference.path, "--now", Self.now]).status == 0)
            references.append(try Spool.files(reference))
        }
        let spool = directory.appendingPathComponent("spool")
        var random = SplitMix64(seed: 2021)
        var outcomes: [String: Int] = [:]
        for iteration in 0..<Self.iterations {
            let target = Int.random(in: 0..<2, using: &random)
            try contents[target].write(to: input)
            let force = Int.random(in: 0..<3, using: &random) == 0
            let action = Int.random(in: 0..<3, using: &random)  // 0 kill -9, 1 replace the input, 2 run to the end
            var arguments = ["run", input.path, "--spool", spool.path, "--now", Self.now, "--workers", "1"]
            if force { arguments.append("--force-new-run") }
            let process = try Self.start(arguments)
            switch action {
            case 0:
                Thread.sleep(forTimeInterval: Double(Int.random(in: 0..<1500, using: &random)) / 1000)
                kill(process.processIdentifier, SIGKILL)
            case 1:
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning, Date() < deadline,
                      !FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/run.json").path) {
                    Thread.sleep(forTimeInterval: 0.005)
                }
                Thread.sleep(forTimeInterval: Double(Int.random(in: 0..<300, using: &random)) / 1000)
                try contents[1 - target].write(to: input)
            default:
                break
            }
            process.waitUntilExit()
            try contents[target].write(to: input)

            // Finish with the plain command: refused, or the spool of an uninterrupted run.
            let finish = try CLI.run(["run", input.path, "--spool", spool.path, "--now", Self.now])
            let label = "iteration \(iteration): input \(target), force \(force), action \(action)"
            if finish.status == 0 {
                let files = try Spool.files(spool)
                let differing = Set(files.keys).union(references[target].keys).filter { files[$0] != references[target][$0] }
                #expect(differing.isEmpty, "\(label): \(differing.sorted().prefix(8))")
                #expect(try CLI.run(["verify", spool.path]).status == 0, "\(label)")
                outcomes["finished", default: 0] += 1
            } else {
                #expect(finish.status == 2, "\(label): \(finish.stderr)")
                #expect(finish.stderr.contains("[spool_holds_other_run]"), "\(label): \(finish.stderr)")
                outcomes["refused", default: 0] += 1
            }
        }
        #expect(outcomes["finished", default: 0] > 0, "\(outcomes)")
    }
}
