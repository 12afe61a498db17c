public import Foundation

/// The folder holding the files postbatch ships beside its binary: `templates/` (with the
/// default `campaign.toml`) and `schemas/` (the MeMo and fjernprint XSDs).
///
/// An installed binary (`make install`, the Debian package) finds it at
/// `<prefix>/share/postbatch`, where `<prefix>` is the folder above the binary's `bin/`.
/// A binary run from the build tree (`.build/debug/postbatch`) finds the repository root
/// instead: the nearest folder above the binary that holds `Package.swift` and `schemas/`.
public struct ShareDirectory: Sendable, Hashable {
    /// How the folder was found.
    public enum Kind: String, Sendable, Hashable {
        /// `<prefix>/share/postbatch` beside an installed binary.
        case installed
        /// The repository a binary in `.build/` was built from.
        case sourceTree = "source tree"
    }

    /// The folder: `/usr/share/postbatch`, or a repository root.
    public let url: URL
    /// How it was found.
    public let kind: Kind

    /// A share folder at a known place.
    public init(url: URL, kind: Kind) {
        self.url = URL(fileURLWithPath: url.path, isDirectory: true)  // one spelling, for ==
        self.kind = kind
    }

    /// `templates/` inside it.
    public var templates: URL { url.appendingPathComponent("templates") }
    /// `schemas/` inside it.
    public var schemas: URL { url.appendingPathComponent("schemas") }

    /// Finds the share folder of a binary.
    ///
    /// - Parameters:
    ///   - executable: the binary's own path, symbolic links resolved.
    ///   - fileExists: whether a path exists (injected by tests).
    /// - Returns: `nil` when the binary is neither installed with its files nor in a build tree.
    static func find(executable: URL,
                            fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> ShareDirectory? {
        let binFolder = executable.deletingLastPathComponent()
        let installed = binFolder.deletingLastPathComponent().appendingPathComponent("share/postbatch")
        if fileExists(installed.appendingPathComponent("templates").path)
            || fileExists(installed.appendingPathComponent("schemas").path) {
            return ShareDirectory(url: installed, kind: .installed)
        }
        var folder = binFolder
        while folder.path != "/" && !folder.path.isEmpty {
            if fileExists(folder.appendingPathComponent("Package.swift").path),
               fileExists(folder.appendingPathComponent("schemas").path) {
                return ShareDirectory(url: folder, kind: .sourceTree)
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// The running binary's path: `/proc/self/exe`, which names it even when it was found
    /// through `PATH` (then `argv[0]` is a bare `postbatch`).
    static func currentExecutable() -> URL {
        let procExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if procExecutable.path != "/proc/self/exe" { return procExecutable }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "postbatch").resolvingSymlinksInPath()
    }

    /// The share folder of the running binary.
    public static func current() -> ShareDirectory? {
        find(executable: currentExecutable())
    }
}
