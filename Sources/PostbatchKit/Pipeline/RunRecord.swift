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

    /// The same run, marked complete.
    func completed() -> RunRecord {
        var record = self
        record.complete = true
        return record
    }
}
