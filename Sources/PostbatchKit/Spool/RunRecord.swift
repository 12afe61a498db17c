/// The record of a run in `DIR/.journal/run.json`.
struct RunRecord: Codable, Equatable {
    /// Format version of this file.
    var version = 1
    /// SHA-256 of the input and of every setting that shapes the spool.
    var identity: String
    /// The time written into the envelopes, kept so a resumed run writes the same bytes.
    var now: String
    /// The mass-mailing id of paper envelopes.
    var massMailingID: String
    /// Set when manifest, lists and report are written.
    var complete: Bool
    /// Set, durably, before a new run deletes this one (`--force-new-run`): a kill during
    /// the deletion then leaves a journal that says so, never one that claims a complete
    /// spool beside deleted envelopes. Absent in every other record.
    var abandoned: Bool?
    /// SHA-256 of the `report.html` the run published, so `verify` can tell it is the run's.
    var reportHTMLSHA256: String?
    /// A short hash of each part of the identity (input, templates, options), so that a run
    /// refused for "other input or settings" can name which differs.
    var parts: [String: String]?

    /// The same run, marked as being deleted.
    func markedAbandoned() -> RunRecord {
        var record = self
        record.abandoned = true
        record.complete = false
        return record
    }

    /// The same run, marked complete, with the hash of the report page it published.
    func completed(reportHTMLSHA256: String) -> RunRecord {
        var record = self
        record.complete = true
        record.reportHTMLSHA256 = reportHTMLSHA256
        return record
    }
}
