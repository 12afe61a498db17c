import Foundation
import PostbatchTesting
import Testing

@Suite("postbatch config")
struct ConfigCommandTests {
    @Test("in the repository: ./templates/campaign.toml, its templates, the repository's schemas")
    func inRepository() throws {
        let result = try CLI.run(["config"])
        #expect(result.status == 0, "\(result.stderr)")
        let templates = CLI.root.appendingPathComponent("templates")
        #expect(result.stdout.contains("campaign:  \(templates.appendingPathComponent("campaign.toml").path)  (./templates/campaign.toml)"),
                "\(result.stdout)")
        #expect(result.stdout.contains("templates: \(templates.path)  (beside the campaign file)"), "\(result.stdout)")
        #expect(result.stdout.contains("report:    \(templates.appendingPathComponent("report").path)  (beside the templates; in da"),
                "\(result.stdout)")
        #expect(result.stdout.contains("schemas:   \(CLI.root.appendingPathComponent("schemas").path)  (source tree of the binary)"),
                "\(result.stdout)")
    }

    @Test("elsewhere, a binary of the build tree falls back to the repository's own campaign")
    func elsewhere() throws {
        let directory = try Scratch.folder("cli")
        let result = try CLI.run(["config"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1. \(directory.appendingPathComponent("templates/campaign.toml").path)"))
        let personal = ["/etc/postbatch/campaign.toml",
                        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/postbatch/campaign.toml").path]
        if !personal.contains(where: FileManager.default.fileExists(atPath:)) {
            #expect(result.stdout.contains("(shipped default)"), "\(result.stdout)")
        }
        // The runs from there find that campaign too.
        let csv = try CLI.generate(["--count", "20", "--seed", "3"], into: directory)
        #expect(try CLI.run(["stats", csv.path], in: directory).status == 0)
    }

    @Test("a --campaign that does not exist is exit 2, for config and for run")
    func missing() throws {
        let directory = try Scratch.folder("cli")
        let result = try CLI.run(["config", "--campaign", "nowhere.toml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stdout.contains("no such campaign file (named by --campaign) [campaign_unreadable]"), "\(result.stdout)")
        let csv = try CLI.generate(["--count", "5"], into: directory)
        let run = try CLI.run(["run", csv.path, "--spool", "spool", "--campaign", "nowhere.toml"], in: directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("campaign_unreadable"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("spool").path))
    }
}
