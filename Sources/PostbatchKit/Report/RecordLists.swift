/// The lines of `rejects.csv` and `skipped.csv`: one per record, CPR masked.
///
/// A detail never holds a full CPR number, a name or an address.
public enum RecordLists {
    /// The header of `rejects.csv`.
    public static let rejectsHeader = "line,reason,detail\n"
    /// The header of `skipped.csv`.
    public static let skippedHeader = "line,reason,detail\n"

    /// `42,invalid_cpr,field 'cpr': expected 10 digits, found 9`.
    public static func line(for rejection: ClassificationError) -> String {
        CSVText.line([String(rejection.line), rejection.code.description, rejection.fieldDetail])
    }

    /// `17,status_90,070707-XXXX`.
    public static func line(for skipped: SkippedRecord) -> String {
        CSVText.line([String(skipped.line), skipped.reason, skipped.cpr.masked])
    }
}
