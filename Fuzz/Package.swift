// swift-tools-version: 6.1
// A libFuzzer target for the CSV reader and record classification.
//
// It compiles the main package's Input, Classification and the few Support and
// Report files they need through symlinks in Sources/FuzzInput, so only this
// code is instrumented (not swift-crypto, libxml2 & co.). ByteSource is replaced
// by an in-memory shim (Sources/FuzzInput/FuzzByteSource.swift). Build and run
// with `make fuzz` from the package root.
import PackageDescription

let package = Package(
    name: "postbatch-fuzz",
    targets: [
        .target(name: "CFuzzer"),
        .executableTarget(
            name: "FuzzInput",
            dependencies: ["CFuzzer"],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
    ]
)
