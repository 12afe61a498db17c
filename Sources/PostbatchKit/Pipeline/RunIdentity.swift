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
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array((text + "\n").utf8)) }
        add("postbatch-run-v1")
        add("input=\(inputSHA256)")
        add("campaign=\(campaign.id)|\(campaign.sender.cvr)|\(campaign.sender.name)|\(campaign.sender.addressLines.joined(separator: "/"))|\(campaign.sender.contact)")
        add("schedule=\(campaign.schedule.firstDay.iso)|\(campaign.schedule.waves)|\(campaign.schedule.printDay.iso)")
        for language in Language.allCases {
            for group in LetterGroup.allCases { add("title=\(campaign.title(for: group, in: language))") }
        }
        add("memo=\(options.memoVersion.rawValue)")
        add("renderer=\(options.renderer.rawValue)")
        add("container=\(options.container.rawValue)|\(options.container == .none ? SpoolLayout.lettersPerFolder : options.perContainer)|\(options.container == .none ? 0 : options.compressionLevel)")
        add("now=\(options.now?.iso ?? "-")")
        add("shard=\(includingShard ? options.shard?.description ?? "-" : "-")")
        // The templates shape every PDF: hash every file under the template folder.
        let root = campaign.templateDirectory.standardizedFileURL
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
        for relative in files {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            add("template=\(relative)")
            guard let bytes = manager.contents(atPath: url.path) else {
                throw CampaignError(code: .unreadable, file: url.path, detail: "the template file cannot be read")
            }
            hasher.update(data: bytes)
        }
        return Hex.string(hasher.finalize())
    }

    /// The run's mass-mailing id: a UUID-shaped name derived from the run identity.
    static func massMailingID(identity: String) -> String {
        let hex = Array(identity.prefix(32))
        guard hex.count == 32 else { return "postbatch-run" }
        return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
