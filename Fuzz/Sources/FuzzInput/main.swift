// libFuzzer entry point for the CSV reader and record classification.
//
// The first byte of each input is a control byte, the rest is the CSV file:
// - bits 6–7 choose the delimiter: detected (0, 1), `;` (2) or `,` (3);
// - bits 0–5 choose the sizes of the reads that split the file (see `readSizes`).
//
// Each input is classified twice: all at once with `tally()`, and in small
// reads with `next()`. Both must end the same way (the same statistics, the
// same rejections and skips on the same lines, the same input error), the counts
// must add up, and nothing may crash. Build with `-sanitize=fuzzer,address`
// (see `make fuzz`); the top-level code hands over to libFuzzer's driver.

internal import CFuzzer
internal import PostbatchKit
#if canImport(Glibc)
internal import Glibc
#endif

/// The outcome of classifying one input, comparable between two reads of it.
struct Run: Equatable {
    var error: String?
    var statistics = Statistics()
    /// `line code` of every rejection and `line status_XX` of every skip, in order.
    var events: [String] = []
    var letterLines: [Int] = []

    static let schedule = WaveSchedule(firstDay: CalendarDate(year: 2021, month: 10, day: 6)!, waves: 3)

    init(input: [UInt8], delimiter: Character?, readSizes: [Int], stepwise: Bool) {
        let classifier: InputClassifier
        do {
            classifier = try InputClassifier(bytes: input, name: "fuzz.csv", readSizes: readSizes, delimiter: delimiter,
                                             schedule: Self.schedule)
        } catch {
            self.error = "\(error)"
            return
        }
        var events: [String] = []
        defer { self.events += events }
        do {
            if stepwise {
                while let outcome = try classifier.next() {
                    switch outcome {
                    case .letter(let letter):
                        letterLines.append(letter.line)
                        check(letter.recipient.name.unicodeScalars.count <= InputClassifier.maximumNameLength,
                              "a letter's name is longer than allowed")
                    case .skipped(let skipped): events.append("\(skipped.line) \(skipped.reason)")
                    case .rejected(let rejection): events.append("\(rejection.line) \(rejection.code)")
                    }
                }
                statistics = classifier.statistics
            } else {
                statistics = try classifier.tally(
                    progressEvery: 3,
                    progress: { statistics, bytes in
                        check(statistics.isConserved, "progress statistics do not add up")
                        check(bytes <= input.count, "more bytes read than the input has")
                    },
                    onRejected: { events.append("\($0.line) \($0.code)") },
                    onSkipped: { events.append("\($0.line) \($0.reason)") })
            }
        } catch {
            self.error = "\(error)"
            statistics = classifier.statistics
        }
    }

    static func == (lhs: Run, rhs: Run) -> Bool {
        lhs.error == rhs.error && lhs.statistics == rhs.statistics && lhs.events == rhs.events
    }
}

/// Stops the fuzzer with a message when an invariant fails (libFuzzer saves the input).
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant failed: \(message())") }
}

/// Read sizes from the control bits: one-byte reads, or a repeating pattern of 1…64.
func readSizes(_ control: UInt8) -> [Int] {
    let bits = Int(control & 0x3F)
    if bits == 0 { return [1] }
    var state = UInt32(bits) &* 2_654_435_761 | 1
    return (0..<7).map { _ in
        state = state &* 1_103_515_245 &+ 12_345
        return 1 + Int((state >> 16) % UInt32(bits + 1))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let control = data[0]
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let delimiter: Character? = switch control >> 6 {
    case 2: ";"
    case 3: ","
    default: nil
    }

    let whole = Run(input: input, delimiter: delimiter, readSizes: [], stepwise: false)
    let statistics = whole.statistics
    check(statistics.isConserved, "records \(statistics.records) do not add up")
    let lineEnds = input.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
    check(statistics.records <= lineEnds + 1, "\(statistics.records) records from \(lineEnds) line ends")
    check(whole.events.count == statistics.totalRejected + statistics.totalSkipped,
          "\(whole.events.count) rejections and skips reported, statistics count \(statistics.totalRejected + statistics.totalSkipped)")

    let pieces = Run(input: input, delimiter: delimiter, readSizes: readSizes(control), stepwise: true)
    check(whole == pieces, """
        reading in pieces \(readSizes(control)) differs from reading at once:
        error \(whole.error ?? "none") / \(pieces.error ?? "none")
        records \(whole.statistics.records) / \(pieces.statistics.records)
        events \(whole.events.prefix(8)) / \(pieces.events.prefix(8))
        """)
    let lines = pieces.letterLines + pieces.events.compactMap { Int($0.prefix { $0 != " " }) }
    check(lines.allSatisfy { $0 >= 2 }, "a record on line \(lines.min() ?? 0), before the first record line")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
