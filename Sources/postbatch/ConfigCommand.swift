import ArgumentParser
import Foundation
import PostbatchKit

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show which campaign file, template folder and schema folder are in effect, and why.",
        discussion: """
            The campaign file is the first of: --campaign FILE, $POSTBATCH_CAMPAIGN, \
            ./templates/campaign.toml, $XDG_CONFIG_HOME/postbatch/campaign.toml (default \
            ~/.config), /etc/postbatch/campaign.toml, the installed default. The templates are \
            the folder 'templates = "…"' names in its [campaign] table (relative to the file), \
            else the file's own folder when it holds templates, else the installed templates. \
            Exit 2 when no campaign file can be used.

            Examples:
              postbatch config
              postbatch config --campaign /etc/postbatch/campaign.toml
              POSTBATCH_CAMPAIGN=campaign.toml postbatch config
            """
    )

    @Option(help: ArgumentHelp("Campaign settings file to check instead of the search path.", valueName: "file"))
    var campaign: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let report = ConfigurationReport(locator: CampaignLocator(), option: campaign)
        FileHandle.standardOutput.write(Data((report.description + "\n").utf8))
        if case .failure = report.campaign { throw Exit.usage }
    }
}
