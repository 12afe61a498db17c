internal import Crypto
internal import Foundation

/// The fingerprint that decides whether a spool holds "the same run".
enum RunIdentity {
    /// SHA-256 over the input's hash and every setting that changes what is written.
    ///
    /// - Parameter includingShard: `false` gives the identity of the whole mailing, the
    ///   same for every shard of it (the mass-mailing id derives from that).
    static func compute(inputSHA256: String, campaign: Campaign, options: RunOptions,
                        includingShard: Bool = true) throws(CampaignError) -> String {
        try parts(inputSHA256: inputSHA256, campaign: campaign, options: options, includingShard: includingShard).identity
    }

    /// The identity, and a short hash of each part of it (`input`, `campaign`, `templates`,
    /// `--container`, …), so that a refused run can say which part differs.
    static func parts(inputSHA256: String, campaign: Campaign, options: RunOptions,
                      includingShard: Bool = true) throws(CampaignError) -> (identity: String, parts: [String: String]) {
        var hasher = SHA256()
        var part = SHA256()
        var parts: [String: String] = [:]
        func add(_ text: String) {
            hasher.update(data: Array((text + "\n").utf8))
            part.update(data: Array((text + "\n").utf8))
        }
        func close(_ name: String) {
            parts[name] = String(Hex.string(part.finalize()).prefix(16))
            part = SHA256()
        }
        add("postbatch-run-v1")
        close("version")
        add("input=\(inputSHA256)")
        close("input")
        add("campaign=\(campaign.id)|\(campaign.sender.cvr)|\(campaign.sender.name)|\(campaign.sender.addressLines.joined(separator: "/"))|\(campaign.sender.contact)")
        close("campaign sender")
        add("schedule=\(campaign.schedule.firstDay.iso)|\(campaign.schedule.waves)|\(campaign.schedule.printDay.iso)")
        close("dates (--first-day, --waves, --print-day)")
        for language in Language.allCases {
            for group in LetterGroup.allCases { add("title=\(campaign.title(for: group, in: language))") }
        }
        close("letter titles")
        add("memo=\(options.memoVersion.rawValue)")
        close("--memo-version")
        add("renderer=\(options.renderer.rawValue)")
        close("--renderer")
        let loose = options.container == .none
        add("container=\(options.container.rawValue)|\(loose ? SpoolLayout.lettersPerFolder : options.perContainer)|"
            + (loose ? "0" : Self.compressionKey(options.compression)))
        close("--container, --per-container, --lzma-encoder, --lzma-level")
        add("now=\(options.now?.iso ?? "-")")
        close("--now")
        add("shard=\(includingShard ? options.shard?.description ?? "-" : "-")")
        close("--shard")
        // The templates shape every PDF: hash every file under the template folder, but for
        // the HTML report's template and words (report/), which shape no letter.
        let root = campaign.templateDirectory.standardizedFileURL
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: root.path)?.allObjects as? [String] ?? [])
            .filter { !$0.hasPrefix(ReportTemplate.folderName + "/") && $0 != ReportTemplate.folderName }.sorted()
        for relative in files {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            add("template=\(relative)")
            guard let bytes = manager.contents(atPath: url.path) else {
                throw CampaignError(code: .unreadable, file: url.path, detail: "the template file cannot be read")
            }
            hasher.update(data: bytes)
            part.update(data: bytes)
        }
        close("templates")
        return (Hex.string(hasher.finalize()), parts)
    }

    /// The `input` part of ``parts(inputSHA256:campaign:options:includingShard:)`` for an
    /// input: what the run record keeps of the input's SHA-256, so that `fallback` can tell
    /// whether it was given the run's input.
    static func inputPart(inputSHA256: String) -> String {
        String(Hex.string(SHA256.hash(data: Array("input=\(inputSHA256)\n".utf8))).prefix(16))
    }

    /// How a container's compression goes into the identity: a preset as its number (as
    /// before postbatch had its own encoder, so older spools resume), postbatch's encoder
    /// as `postbatch`.
    static func compressionKey(_ compression: LZMACompression) -> String {
        switch compression {
        case .repeats: "postbatch"
        case .preset(let level): "\(level)"
        }
    }

    /// The names of the parts that differ, in a sentence: `input, templates`.
    static func differences(_ old: [String: String]?, _ new: [String: String]) -> String? {
        guard let old else { return nil }
        let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    /// The run's mass-mailing id: a UUID-shaped name derived from the run identity.
    static func massMailingID(identity: String) -> String {
        let hex = Array(identity.prefix(32))
        guard hex.count == 32 else { return "postbatch-run" }
        return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
