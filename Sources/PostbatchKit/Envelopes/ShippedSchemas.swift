public import Foundation

/// The XSDs postbatch ships in `schemas/` and validates envelopes against by default.
///
/// The layout is the repository's `schemas/` folder, installed as
/// `<prefix>/share/postbatch/schemas/` (see `schemas/memo/SOURCE.md` and
/// `schemas/fjernprint/SOURCE.md` for where each file comes from):
///
/// ```
/// memo/v1.2/Version1.2/MeMo_core.xsd     MeMo 1.2 (imports ../MeMo_*.xsd)
/// memo/v1.1/MeMo_core.xsd                MeMo 1.1
/// fjernprint/wrapper-ForsendelseI.xsd    fjernprint ForsendelseI
/// ```
public struct ShippedSchemas: Sendable, Hashable {
    /// The `schemas/` folder.
    public let directory: URL

    /// The schemas in a `schemas/` folder.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The main MeMo schema of a version.
    func memo(_ version: MemoVersion) -> URL {
        switch version {
        case .v1_1: directory.appendingPathComponent("memo/v1.1/MeMo_core.xsd")
        case .v1_2: directory.appendingPathComponent("memo/v1.2/Version1.2/MeMo_core.xsd")
        }
    }

    /// The fjernprint wrapper schema (libxml2 cannot compile the upstream main schema alone).
    var fjernprint: URL { directory.appendingPathComponent("fjernprint/wrapper-ForsendelseI.xsd") }

    /// Every main schema, for checking that the folder is complete.
    var all: [URL] { MemoVersion.allCases.map(memo) + [fjernprint] }

    /// The schemas shipped beside the binary: `schemas/` of its share folder, when complete.
    ///
    /// - Parameters:
    ///   - share: the binary's share folder (``ShareDirectory/current()``).
    ///   - fileExists: whether a path exists.
    /// - Returns: `nil` when there is no share folder or a main schema is missing from it.
    public static func shipped(in share: ShareDirectory?,
                               fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> ShippedSchemas? {
        guard let share else { return nil }
        let schemas = ShippedSchemas(directory: share.schemas)
        return schemas.missing(fileExists: fileExists).isEmpty ? schemas : nil
    }

    /// The main schemas missing from the folder (empty when it is complete).
    func missing(fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> [URL] {
        all.filter { !fileExists($0.path) }
    }
}
