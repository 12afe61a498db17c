import Benchmark
import Foundation
import PostbatchKit

/// The template folder of the repository (benchmarks run from the package root).
let templates = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("templates")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .peakMemoryResident],
        maxDuration: .seconds(10), maxIterations: 3)

    let campaign = LetterBenchmarks.sampleCampaign(templateDirectory: templates)

    // Classification alone: the stats pass over 1 M generated records held in a file.
    Benchmark("stats: classify 1M records", configuration: .init(scalingFactor: .mega)) { benchmark in
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("postbatch-bench-\(getpid()).csv")
        var generator = SampleGenerator(options: .init(count: 1_000_000, seed: 42, defectRate: 0.1))
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data(generator.headerLine().utf8))
        var buffer = ""
        while let line = generator.nextLine() {
            buffer += line
            if buffer.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(buffer.utf8)); buffer = "" }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        try handle.close()
        defer { try? FileManager.default.removeItem(at: file) }
        benchmark.startMeasurement()
        // One pass classifies scaledIterations.count (1 M) records.
        let classifier = try InputClassifier(path: file.path, schedule: campaign.schedule)
        blackHole(try classifier.tally())
    }

    for workers in [1, 2] {
        Benchmark("render letters (reference renderer), \(workers) worker\(workers == 1 ? "" : "s")",
                  configuration: .init(scalingFactor: .kilo)) { benchmark in
            blackHole(try LetterBenchmarks.renderParallel(count: benchmark.scaledIterations.count, workers: workers,
                                                          campaign: campaign))
        }
    }

    Benchmark("render letters (fast path), 1 worker", configuration: .init(scalingFactor: .kilo)) { benchmark in
        blackHole(try LetterBenchmarks.renderManyFast(count: benchmark.scaledIterations.count, campaign: campaign))
    }
}
