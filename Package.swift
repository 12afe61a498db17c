// swift-tools-version: 6.1
import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "postbatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "postbatch", targets: ["postbatch"]),
        .library(name: "PostbatchKit", targets: ["PostbatchKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]
        ),
        .systemLibrary(
            name: "CHarfBuzz",
            pkgConfig: "harfbuzz-subset",
            providers: [.apt(["libharfbuzz-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // SVG logos in the letter's sender block (librsvg draws them with cairo).
        .systemLibrary(
            name: "CRsvg",
            pkgConfig: "librsvg-2.0",
            providers: [.apt(["librsvg2-dev"])]
        ),
        // glibc's malloc tuning (mallopt), for the executable only.
        .systemLibrary(name: "CMalloc"),
        // Linux calls Swift's Glibc module does not declare (syncfs).
        .systemLibrary(name: "CSystemCalls"),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CLZMA",
            pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]
        ),
        .target(
            name: "PostbatchKit",
            dependencies: [
                "CLibXML2",
                "CPangoCairo",
                "CArchive",
                "CLZMA",
                "CHarfBuzz",
                "CZlib",
                "CRsvg",
                "CSystemCalls",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: a stand-in for Digital Post's REST interface on loopback (mutual TLS,
        // schema checks, receipts, faults on demand). Tests and the delivery benchmark use it.
        .target(
            name: "DigitalPostStandIn",
            dependencies: [
                "PostbatchKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "dp-standin",
            dependencies: ["DigitalPostStandIn"],
            swiftSettings: swiftSettings
        ),
        // Test support: synthetic inputs, scratch folders and benchmark workloads. Tests and
        // benchmarks use it; the executable only for its hidden `generate` command.
        .target(
            name: "PostbatchTesting",
            dependencies: ["PostbatchKit"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "postbatch",
            dependencies: [
                "PostbatchKit",
                "PostbatchTesting",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostbatchKitTests",
            dependencies: [
                "PostbatchKit",
                "PostbatchTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostbatchCLITests",
            dependencies: ["PostbatchKit", "PostbatchTesting", "DigitalPostStandIn"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer target joins the manifest only on request (`make fuzz`, `make fuzz-build`):
// it is built with `-sanitize=fuzzer,address`, in its own scratch folder.
if ProcessInfo.processInfo.environment["POSTBATCH_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzer", path: "Fuzz/Sources/CFuzzer"),
        .executableTarget(
            name: "PostbatchFuzz",
            dependencies: ["PostbatchKit", "CFuzzer"],
            path: "Fuzz/Sources/FuzzInput",
            swiftSettings: swiftSettings
        ),
    ]
}

// Benchmarks join the manifest only on request, so `make test` never fetches them.
if ProcessInfo.processInfo.environment["POSTBATCH_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "PostbatchBenchmarks",
            dependencies: [
                "PostbatchKit",
                "PostbatchTesting",
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/PostbatchBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    )
}
