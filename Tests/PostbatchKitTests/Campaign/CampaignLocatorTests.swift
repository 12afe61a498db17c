import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The lookup of campaign file, templates and schemas, in a temporary folder with an
/// injected environment (never the process's own).
@Suite("Campaign locator")
struct CampaignLocatorTests {
    /// A temporary machine: working folder, home, XDG folder, /etc/postbatch and an installed
    /// prefix, each with a campaign file when asked.
    struct Machine {
        let root: URL
        var cwd: URL { root.appendingPathComponent("work") }
        var home: URL { root.appendingPathComponent("home") }
        var xdg: URL { root.appendingPathComponent("xdg") }
        var etc: URL { root.appendingPathComponent("etc/postbatch") }
        var prefix: URL { root.appendingPathComponent("usr") }
        var share: ShareDirectory { ShareDirectory(url: prefix.appendingPathComponent("share/postbatch"), kind: .installed) }

        var places: [CampaignLocator.Rule: URL] {
            [.workingDirectory: cwd.appendingPathComponent("templates/campaign.toml"),
             .userConfiguration: xdg.appendingPathComponent("postbatch/campaign.toml"),
             .system: etc.appendingPathComponent("campaign.toml"),
             .shipped: share.templates.appendingPathComponent("campaign.toml")]
        }

        init(with rules: Set<CampaignLocator.Rule>) throws {
            root = try Scratch.folder("locator")
            try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
            for rule in rules {
                guard let file = places[rule] else { continue }
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("# \(rule)\n".utf8).write(to: file)
            }
        }

        func locator(_ environment: [String: String]? = nil) -> CampaignLocator {
            CampaignLocator(environment: environment ?? ["HOME": home.path, "XDG_CONFIG_HOME": xdg.path],
                            currentDirectory: cwd, share: share, systemFolder: etc)
        }
    }

    @Test("the first place that holds a campaign file wins, in the documented order", arguments: [
        (["./templates", "xdg", "etc", "shipped"], "./templates"),
        (["xdg", "etc", "shipped"], "xdg"),
        (["etc", "shipped"], "etc"),
        (["shipped"], "shipped"),
    ])
    func order(present: [String], expected: String) throws {
        let names: [String: CampaignLocator.Rule] = ["./templates": .workingDirectory, "xdg": .userConfiguration,
                                                     "etc": .system, "shipped": .shipped]
        let machine = try Machine(with: Set(present.compactMap { names[$0] }))
        let found = try machine.locator().locate(option: nil)
        let rule = try #require(names[expected])
        #expect(found.rule == rule)
        #expect(found.file.path == machine.places[rule]?.path)
    }

    @Test("--campaign beats $POSTBATCH_CAMPAIGN, which beats every place searched")
    func explicitNames() throws {
        let machine = try Machine(with: [.workingDirectory, .system])
        let mine = machine.cwd.appendingPathComponent("mine.toml")
        let other = machine.root.appendingPathComponent("other.toml")
        try Data("#\n".utf8).write(to: mine)
        try Data("#\n".utf8).write(to: other)
        let environment = ["HOME": machine.home.path, "POSTBATCH_CAMPAIGN": other.path]

        let fromEnvironment = try machine.locator(environment).locate(option: nil)
        #expect(fromEnvironment.rule == .environment)
        #expect(fromEnvironment.file.path == other.path)

        // A relative --campaign is read from the working folder.
        let fromOption = try machine.locator(environment).locate(option: "mine.toml")
        #expect(fromOption.rule == .option)
        #expect(fromOption.file.path == mine.path)

        // An empty variable counts as unset.
        let empty = try machine.locator(["HOME": machine.home.path, "POSTBATCH_CAMPAIGN": ""]).locate(option: nil)
        #expect(empty.rule == .workingDirectory)
    }

    @Test("a file named by --campaign or $POSTBATCH_CAMPAIGN must exist: no silent fall-through")
    func namedButMissing() throws {
        let machine = try Machine(with: [.workingDirectory])
        #expect(throws: CampaignError.self) { try machine.locator().locate(option: "typo.toml") }
        do {
            _ = try machine.locator(["POSTBATCH_CAMPAIGN": "/nonexistent/campaign.toml"]).locate(option: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("$POSTBATCH_CAMPAIGN"))
        }
    }

    @Test("no campaign file anywhere is campaign_not_found, naming every place searched")
    func notFound() throws {
        let machine = try Machine(with: [])
        do {
            _ = try machine.locator().locate(option: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .notFound)
            for file in machine.places.values {
                #expect(error.description.contains(file.path), "\(file.path) not named")
            }
        }
    }

    @Test("the user folder is $XDG_CONFIG_HOME when absolute, else ~/.config, else none")
    func userFolder() throws {
        let machine = try Machine(with: [])
        #expect(machine.locator().userConfigurationHome?.path == machine.xdg.path)
        #expect(machine.locator(["HOME": machine.home.path]).userConfigurationHome?.path
            == machine.home.appendingPathComponent(".config").path)
        #expect(machine.locator(["HOME": machine.home.path, "XDG_CONFIG_HOME": "relative/path"]).userConfigurationHome?.path
            == machine.home.appendingPathComponent(".config").path)
        #expect(machine.locator([:]).userConfigurationHome == nil)
        #expect(machine.locator([:]).searchPath.map(\.rule) == [.workingDirectory, .system, .shipped])
    }

    // MARK: - Templates

    /// The repository's campaign file, with `extra` added to its `[campaign]` table.
    func campaignText(adding extra: String = "") throws -> String {
        let text = try String(contentsOf: LetterFixtures.templates.appendingPathComponent("campaign.toml"), encoding: .utf8)
        return text.replacingOccurrences(of: "[campaign]\n", with: "[campaign]\n\(extra)")
    }

    @Test("a campaign file alone in /etc/postbatch uses the shipped templates")
    func shippedTemplates() throws {
        let machine = try Machine(with: [])
        try FileManager.default.createDirectory(at: machine.etc, withIntermediateDirectories: true)
        try Data(try campaignText().utf8).write(to: machine.etc.appendingPathComponent("campaign.toml"))
        let share = ShareDirectory(url: LetterFixtures.templates.deletingLastPathComponent(), kind: .sourceTree)
        let locator = CampaignLocator(environment: [:], currentDirectory: machine.cwd, share: share,
                                      systemFolder: machine.etc)
        let located = try locator.load(option: nil)
        #expect(located.location.rule == .system)
        #expect(located.templates.rule == .shipped)
        #expect(located.campaign.templateDirectory.path == LetterFixtures.templates.path)
        #expect(located.campaign.sender.cvr == "34051178")
    }

    @Test("templates = \"…\" in the campaign file is read relative to that file")
    func declaredTemplates() throws {
        let machine = try Machine(with: [])
        let folder = machine.root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("campaign.toml")
        try Data(try campaignText(adding: "templates = \"../letters\"\n").utf8).write(to: file)
        let located = try machine.locator().load(option: file.path)
        #expect(located.templates.rule == .declared)
        #expect(located.campaign.templateDirectory.path == machine.root.appendingPathComponent("letters").path)

        try Data(try campaignText(adding: "templates = 5\n").utf8).write(to: file)
        do {
            _ = try machine.locator().load(option: file.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.key == "campaign.templates")
        }
    }

    @Test("a campaign file beside its templates uses them, as the repository's does")
    func besideCampaign() throws {
        let located = try CampaignLocator(environment: [:], share: nil)
            .load(option: LetterFixtures.templates.appendingPathComponent("campaign.toml").path)
        #expect(located.templates.rule == .besideCampaign)
        #expect(located.campaign.templateDirectory.standardizedFileURL.path == LetterFixtures.templates.path)
    }

    // MARK: - Share folder

    @Test("an installed binary finds <prefix>/share/postbatch; one in a build tree finds the repository")
    func shareDirectory() throws {
        let machine = try Machine(with: [])
        let installedBinary = machine.prefix.appendingPathComponent("bin/postbatch")
        #expect(ShareDirectory.find(executable: installedBinary) == nil)
        try FileManager.default.createDirectory(at: machine.share.schemas, withIntermediateDirectories: true)
        #expect(ShareDirectory.find(executable: installedBinary) == machine.share)

        let repository = machine.root.appendingPathComponent("repo")
        let built = repository.appendingPathComponent(".build/x86_64-unknown-linux-gnu/debug/postbatch")
        try FileManager.default.createDirectory(at: built.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: repository.appendingPathComponent("Package.swift"))
        #expect(ShareDirectory.find(executable: built) == nil)
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("schemas"), withIntermediateDirectories: true)
        #expect(ShareDirectory.find(executable: built) == ShareDirectory(url: repository, kind: .sourceTree))
    }
}
