import Foundation
import PostbatchTesting
import Testing

/// Runs the built `postbatch` binary.
enum CLI {
    /// The package root, found from this file's path.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The `postbatch` binary next to the test bundle.
    static let binary: URL = {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("postbatch"),
            Bundle.main.bundleURL.appendingPathComponent("postbatch"),
            root.appendingPathComponent(".build/debug/postbatch"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs postbatch with arguments in `directory` (default: the package root).
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> Result {
        try execute(binary, arguments, stdin: stdin, in: directory ?? root)
    }

    /// Runs any program.
    static func execute(_ program: URL, _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        // Read both pipes while the program runs, so neither fills up.
        let outData = Locked(Data())
        let errData = Locked(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.set(out.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData.set(err.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData.get(), as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }


    /// Generates an input with the binary's own generator.
    static func generate(_ arguments: [String], into directory: URL, name: String = "records.csv") throws -> URL {
        let result = try run(["generate"] + arguments)
        #expect(result.status == 0, "generate failed: \(result.stderr)")
        let url = directory.appendingPathComponent(name)
        try Data(result.stdout.utf8).write(to: url)
        return url
    }

    /// Every CPR number of an input file, as 10 digits (rows whose first CPR-like field has 10 digits).
    static func cprNumbers(in file: URL) throws -> Set<String> {
        let text = try String(contentsOf: file, encoding: .utf8)
        var numbers = Set<String>()
        let regex = try NSRegularExpression(pattern: #"\b(\d{6})-?(\d{4})\b"#)
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let first = Range(match.range(at: 1), in: text), let second = Range(match.range(at: 2), in: text) else { continue }
            numbers.insert(String(text[first]) + String(text[second]))
        }
        return numbers
    }

    /// Whether text holds any of the CPR numbers in full, with or without the hyphen.
    static func leaks(_ text: String, _ numbers: Set<String>) -> [String] {
        let digitsOnly = text.replacingOccurrences(of: "-", with: "")
        return numbers.filter { digitsOnly.contains($0) }.map { String($0.prefix(6)) + "-XXXX" }
    }
}

/// A value shared between threads under a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
