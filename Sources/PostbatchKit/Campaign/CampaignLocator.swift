public import Foundation

/// Finds the campaign file and the template folder in effect, and says which rule picked each.
///
/// The campaign file is the first that exists of:
/// 1. `--campaign FILE`;
/// 2. `$POSTBATCH_CAMPAIGN`;
/// 3. `./templates/campaign.toml` in the working folder;
/// 4. `$XDG_CONFIG_HOME/postbatch/campaign.toml` (`~/.config` when the variable is unset);
/// 5. `/etc/postbatch/campaign.toml`;
/// 6. the default shipped with the binary (`<prefix>/share/postbatch/templates/campaign.toml`,
///    or the repository's `templates/campaign.toml` for a binary in the build tree).
///
/// A file named by rule 1 or 2 must exist: a typo is an error, not a silent fall-through.
/// Relative names are read from the working folder.
///
/// The template folder is `templates = "…"` in the campaign file's `[campaign]` table
/// (relative to the campaign file); else the campaign file's own folder when it holds the
/// templates; else the shipped templates. So an operator may keep only `campaign.toml` in
/// `/etc/postbatch/` and use the installed letters.
///
/// ```swift
/// let located = try CampaignLocator().locate(option: nil)
/// print(located.file.path, located.rule)
/// ```
public struct CampaignLocator: Sendable {
    /// The environment variable naming a campaign file.
    public static let environmentVariable = "POSTBATCH_CAMPAIGN"
    /// The campaign file's name in every folder searched.
    public static let fileName = "campaign.toml"
    /// The system-wide configuration folder.
    public static let systemFolder = URL(fileURLWithPath: "/etc/postbatch")

    /// Which rule found the campaign file.
    public enum Rule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `--campaign FILE`.
        case option = "--campaign"
        /// `$POSTBATCH_CAMPAIGN`.
        case environment = "$POSTBATCH_CAMPAIGN"
        /// `./templates/campaign.toml`.
        case workingDirectory = "./templates/campaign.toml"
        /// `$XDG_CONFIG_HOME/postbatch/campaign.toml`.
        case userConfiguration = "$XDG_CONFIG_HOME/postbatch/campaign.toml"
        /// `/etc/postbatch/campaign.toml`.
        case system = "/etc/postbatch/campaign.toml"
        /// The default shipped with the binary.
        case shipped = "shipped default"

        public var description: String { rawValue }
    }

    /// A campaign file and the rule that found it.
    public struct Location: Sendable, Hashable {
        /// The campaign file.
        public let file: URL
        /// The rule that picked it.
        public let rule: Rule
    }

    /// Which rule picked the template folder.
    public enum TemplateRule: String, Sendable, Hashable, CustomStringConvertible {
        /// `templates = "…"` in the campaign file.
        case declared = "templates = \"…\" in the campaign file"
        /// The campaign file's folder holds the templates.
        case besideCampaign = "beside the campaign file"
        /// The templates shipped with the binary.
        case shipped = "shipped templates"

        public var description: String { rawValue }
    }

    /// A template folder and the rule that picked it.
    public struct TemplateLocation: Sendable, Hashable {
        /// The folder holding `<language>/<group>.mustache`.
        public let directory: URL
        /// The rule that picked it.
        public let rule: TemplateRule
    }

    /// The process environment (only `POSTBATCH_CAMPAIGN`, `XDG_CONFIG_HOME` and `HOME` are read).
    public let environment: [String: String]
    /// The folder relative names are read from.
    public let currentDirectory: URL
    /// The files shipped with the binary, if found.
    public let share: ShareDirectory?
    /// Where `/etc/postbatch` is (a test puts it in a temporary folder).
    public let systemFolder: URL
    private let fileExists: @Sendable (String) -> Bool

    /// A locator; every input can be injected, the defaults are the running process's.
    ///
    /// - Parameters:
    ///   - environment: the environment variables.
    ///   - currentDirectory: the working folder.
    ///   - share: the shipped files (default: found from the running binary).
    ///   - systemFolder: the system configuration folder (default `/etc/postbatch`).
    ///   - fileExists: whether a path exists.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                share: ShareDirectory? = .current(),
                systemFolder: URL = CampaignLocator.systemFolder,
                fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.share = share
        self.systemFolder = systemFolder
        self.fileExists = fileExists
    }

    /// The places searched when neither `--campaign` nor `$POSTBATCH_CAMPAIGN` names a file,
    /// in order.
    public var searchPath: [(file: URL, rule: Rule)] {
        var places: [(URL, Rule)] = [
            (currentDirectory.appendingPathComponent("templates").appendingPathComponent(Self.fileName), .workingDirectory),
        ]
        if let configHome = userConfigurationHome {
            places.append((configHome.appendingPathComponent("postbatch").appendingPathComponent(Self.fileName),
                           .userConfiguration))
        }
        places.append((systemFolder.appendingPathComponent(Self.fileName), .system))
        if let share {
            places.append((share.templates.appendingPathComponent(Self.fileName), .shipped))
        }
        return places
    }

    /// `$XDG_CONFIG_HOME` when it is an absolute path (the XDG rule), else `$HOME/.config`.
    var userConfigurationHome: URL? {
        if let value = environment["XDG_CONFIG_HOME"], value.hasPrefix("/") {
            return URL(fileURLWithPath: value)
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home).appendingPathComponent(".config")
        }
        return nil
    }

    /// Finds the campaign file.
    ///
    /// - Parameter option: the value of `--campaign`, if given.
    /// - Returns: the file and the rule that picked it.
    /// - Throws: ``CampaignError`` `campaign_unreadable` when `--campaign` or
    ///   `$POSTBATCH_CAMPAIGN` names a file that does not exist; `campaign_not_found` when
    ///   no place on the search path holds one (the message lists every place).
    public func locate(option: String?) throws(CampaignError) -> Location {
        if let option {
            return try named(option, rule: .option)
        }
        if let value = environment[Self.environmentVariable], !value.isEmpty {
            return try named(value, rule: .environment)
        }
        for (file, rule) in searchPath where fileExists(file.path) {
            return Location(file: file, rule: rule)
        }
        let places = searchPath.map(\.file.path).joined(separator: ", ")
        throw CampaignError(
            code: .notFound, file: Self.fileName,
            detail: "no campaign file found; looked in \(places). Name one with --campaign FILE or "
                + "$\(Self.environmentVariable), or install postbatch with its templates")
    }

    private func named(_ path: String, rule: Rule) throws(CampaignError) -> Location {
        let file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path)
        guard fileExists(file.path) else {
            throw CampaignError(code: .unreadable, file: file.path,
                                detail: "no such campaign file (named by \(rule))")
        }
        return Location(file: file.standardizedFileURL, rule: rule)
    }

    /// The template folder for a campaign file.
    ///
    /// - Parameters:
    ///   - campaignFile: the campaign file in effect.
    ///   - declared: the value of `templates` in its `[campaign]` table, if any; relative to
    ///     the campaign file's folder.
    /// - Returns: the folder and the rule; a declared folder is returned even when it does not
    ///   exist, so that loading the templates names it in its error.
    public func templateDirectory(campaignFile: URL, declared: String?) -> TemplateLocation {
        let folder = campaignFile.deletingLastPathComponent()
        if let declared, !declared.isEmpty {
            let directory = declared.hasPrefix("/") ? URL(fileURLWithPath: declared)
                : folder.appendingPathComponent(declared)
            return TemplateLocation(directory: directory.standardizedFileURL, rule: .declared)
        }
        if holdsTemplates(folder) {
            return TemplateLocation(directory: folder, rule: .besideCampaign)
        }
        if let share, holdsTemplates(share.templates) {
            return TemplateLocation(directory: share.templates, rule: .shipped)
        }
        return TemplateLocation(directory: folder, rule: .besideCampaign)
    }

    /// Whether a folder holds letter templates (its first group's Danish template).
    private func holdsTemplates(_ folder: URL) -> Bool {
        let first = Campaign.templateFile(LetterGroup.allCases[0], Language.allCases[0])
        return fileExists(folder.appendingPathComponent(first).path)
    }

    /// Finds the campaign file and reads it, with its template folder.
    ///
    /// - Parameter option: the value of `--campaign`, if given.
    /// - Returns: the campaign, where its file was found and which template folder it uses.
    /// - Throws: ``CampaignError`` as ``locate(option:)`` and ``Campaign/load(from:locator:)`` do.
    public func load(option: String?) throws(CampaignError) -> LocatedCampaign {
        let location = try locate(option: option)
        let (campaign, templates) = try Campaign.loadLocated(from: location.file, locator: self)
        return LocatedCampaign(campaign: campaign, location: location, templates: templates)
    }
}

/// A campaign with where its settings and templates were found.
public struct LocatedCampaign: Sendable {
    /// The settings.
    public let campaign: Campaign
    /// The campaign file and the rule that found it.
    public let location: CampaignLocator.Location
    /// The template folder and the rule that picked it.
    public let templates: CampaignLocator.TemplateLocation
}
