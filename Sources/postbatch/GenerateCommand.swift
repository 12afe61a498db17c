import ArgumentParser
import Foundation
import PostbatchKit
import PostbatchTesting

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic input CSV for tests and benchmarks (all CPR numbers are invented).",
        discussion: """
            The same seed gives the same file. Defective records carry one defect each, \
            spread over the thirteen reject reasons.

            Examples:
              postbatch generate --count 1000000 --seed 7 > big.csv
              postbatch generate --count 300 --defect-rate 0.1 \\
                  --header english --delimiter ,
            """,
        shouldDisplay: false
    )

    @Option(help: "Number of records.")
    var count: Int = 1000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Share of records with one defect, 0 to 1.")
    var defectRate: Double = 0.05

    @Option(help: "Header names: danish, english or mixed.")
    var header: String = "danish"

    @Option(help: "Delimiter, ; or ,.")
    var delimiter: String = ";"

    @Flag(help: "Start with a UTF-8 byte order mark.")
    var bom = false

    @Flag(help: "End lines with CRLF.")
    var crlf = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        guard let style = SampleGenerator.Options.HeaderStyle(rawValue: header) else {
            throw ValidationError("--header must be danish, english or mixed")
        }
        guard delimiter == ";" || delimiter == "," else { throw ValidationError("--delimiter must be ; or ,") }
        guard (0...1).contains(defectRate) else { throw ValidationError("--defect-rate must be from 0 to 1") }
        var generator = SampleGenerator(options: .init(
            count: count, seed: seed, defectRate: defectRate, headerStyle: style,
            delimiter: Character(delimiter), byteOrderMark: bom, crlf: crlf))
        let output = FileHandle.standardOutput
        var buffer = (bom ? "\u{FEFF}" : "") + generator.headerLine()
        while let line = generator.nextLine() {
            buffer += line
            if buffer.utf8.count > 1 << 20 {
                output.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        output.write(Data(buffer.utf8))
    }
}
