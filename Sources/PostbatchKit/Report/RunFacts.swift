/// What a spool's `report.html` tells about the run that wrote it, besides the counts:
/// when, which input, which campaign and templates, what was written, how long it took,
/// and which postbatch did it.
public struct RunFacts: Sendable, Equatable {
    /// The run's time (the envelopes' creation time), ISO 8601 in UTC.
    public var when: String
    /// The input's name as given (`<stdin>` for standard input).
    public var input: String
    /// The input's size in bytes, when known.
    public var inputBytes: Int?
    /// The input's SHA-256, hex.
    public var inputSHA256: String
    /// The campaign's id (`nemid-mitid-2021`).
    public var campaign: String
    /// A short hash of every file in the template folder: changes when a template does.
    public var templateVersion: String
    /// Letters in the spool.
    public var letters: Int
    /// `.tar.lzma` containers in the spool (0 for loose envelopes).
    public var containers: Int
    /// Letters of this attempt the fast renderer handed to the reference renderer. This and
    /// ``duration`` are the attempt's own: a resumed run shows its last attempt's, so the
    /// page marks them (`class="attempt"`), and they are all that differs between two runs.
    public var fallbacks: Int
    /// The run's duration up to the report, when known.
    public var duration: Duration?
    /// The postbatch version (`0.1.0`).
    public var version: String

    public init(when: String, input: String, inputBytes: Int?, inputSHA256: String, campaign: String,
                templateVersion: String, letters: Int, containers: Int, fallbacks: Int, duration: Duration?,
                version: String = PostbatchVersion.current) {
        self.when = when
        self.input = input
        self.inputBytes = inputBytes
        self.inputSHA256 = inputSHA256
        self.campaign = campaign
        self.templateVersion = templateVersion
        self.letters = letters
        self.containers = containers
        self.fallbacks = fallbacks
        self.duration = duration
        self.version = version
    }
}

/// postbatch's version: `--version`, the report's facts.
public enum PostbatchVersion {
    /// The version of this build.
    public static let current = "0.1.0"
}
