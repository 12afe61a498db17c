public import Foundation

/// What `postbatch config` prints: the campaign file, template folder and schema folder in
/// effect, each with the rule that picked it, and the places searched.
public struct ConfigurationReport: Sendable, CustomStringConvertible {
    /// The campaign with where it was found, or why none could be used.
    public let campaign: Result<LocatedCampaign, CampaignError>
    /// The shipped schemas `validate` uses without `--schema`, if any.
    public let schemas: ShippedSchemas?
    /// The files shipped with the binary, if found.
    public let share: ShareDirectory?
    /// The campaign search path, in order.
    public let searchPath: [(file: URL, rule: CampaignLocator.Rule)]

    /// Looks everything up the way `run`, `preview`, `stats` and `validate` do.
    ///
    /// - Parameters:
    ///   - locator: the lookup rules, with the process's environment.
    ///   - option: the value of `--campaign`, if given.
    public init(locator: CampaignLocator, option: String?) {
        do throws(CampaignError) {
            campaign = .success(try locator.load(option: option))
        } catch {
            campaign = .failure(error)
        }
        schemas = ShippedSchemas.shipped(in: locator.share)
        share = locator.share
        searchPath = locator.searchPath
    }

    public var description: String {
        var lines: [String] = []
        switch campaign {
        case .success(let located):
            lines.append("campaign:  \(located.location.file.path)  (\(located.location.rule))")
            lines.append("templates: \(located.templates.directory.path)  (\(located.templates.rule))")
            if let report = ReportTemplate.folder(templates: located.templates.directory) {
                lines.append("report:    \(report.folder.path)  (\(report.shipped ? "shipped" : "beside the templates"); "
                             + "in \(located.campaign.reportLanguage) unless --report-language says otherwise)")
            } else {
                lines.append("report:    no report/report.mustache beside the templates nor shipped: run and stats --format html fail")
            }
        case .failure(let error):
            lines.append("campaign:  none usable: \(error)")
        }
        if let schemas, let share {
            lines.append("schemas:   \(schemas.directory.path)  (\(share.kind == .installed ? "installed beside the binary" : "source tree of the binary"))")
        } else {
            lines.append("schemas:   none shipped beside the binary: validate needs --schema XSD")
        }
        lines.append("")
        lines.append("campaign file search order (after --campaign and $\(CampaignLocator.environmentVariable)):")
        for (index, place) in searchPath.enumerated() {
            lines.append("  \(index + 1). \(place.file.path)  (\(place.rule))")
        }
        return lines.joined(separator: "\n")
    }
}
