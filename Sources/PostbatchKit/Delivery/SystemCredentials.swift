internal import Foundation
internal import TOMLKit

/// The sender system's id and secret for `Authorization: Basic` (SPEC §6): from the
/// environment (`POSTBATCH_SYSTEM_ID`, `POSTBATCH_SYSTEM_SECRET`) or, when those are not
/// set, from the campaign file's `[digital_post]` table:
///
/// ```toml
/// [digital_post]
/// system_id = "…"
/// system_secret = "…"
/// ```
///
/// Never from the command line, where other users of the machine could read it.
public struct SystemCredentials: Sendable, Equatable {
    /// The sender system's id.
    public let systemID: String
    /// Its secret.
    public let secret: String

    /// The credentials from the environment, else from the campaign file at
    /// `campaignFile` (when it exists).
    ///
    /// - Throws: ``DeliveryError`` `credentials` when neither has both values;
    ///   `configuration` when the campaign file is not TOML.
    public static func load(environment: [String: String], campaignFile: String?) throws(DeliveryError) -> SystemCredentials {
        if let id = environment["POSTBATCH_SYSTEM_ID"], let secret = environment["POSTBATCH_SYSTEM_SECRET"],
           !id.isEmpty, !secret.isEmpty {
            return SystemCredentials(systemID: id, secret: secret)
        }
        if let campaignFile, let text = try? String(contentsOfFile: campaignFile, encoding: .utf8) {
            let table: TOMLTable
            do {
                table = try TOMLTable(string: text)
            } catch {
                throw DeliveryError(code: .configuration, subject: campaignFile,
                                    message: "\(campaignFile) is not a TOML file")
            }
            let section = table["digital_post"]?.table
            if let id = section?["system_id"]?.string, let secret = section?["system_secret"]?.string,
               !id.isEmpty, !secret.isEmpty {
                return SystemCredentials(systemID: id, secret: secret)
            }
        }
        throw DeliveryError(
            code: .credentials, subject: "POSTBATCH_SYSTEM_ID",
            message: "set POSTBATCH_SYSTEM_ID and POSTBATCH_SYSTEM_SECRET to the sender system's id and secret "
                + "(or system_id and system_secret in the campaign file's [digital_post] table)")
    }
}
