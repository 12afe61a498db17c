/// Where the delivery keeps its state inside a spool.
///
/// ```
/// DIR/.delivery/ledger.sqlite (+ -wal, -shm)   the ledger (see ``Ledger``)
/// DIR/.delivery/packed/<channel>-<date>-<NNNN>.tar.lzma
///                                              loose batches packed for sending
/// ```
///
/// The folder is hidden like the run journal: `verify` does not count it as an
/// envelope or an unexpected file, and checks the ledger separately.
public enum DeliveryLayout {
    /// The folder, relative to the spool.
    public static let folder = SpoolLayout.delivery
    /// The ledger database, relative to ``folder``.
    public static let ledger = "ledger.sqlite"
    /// Loose batches packed into containers, relative to ``folder``.
    public static let packed = "packed"

    /// `DIR/.delivery/ledger.sqlite`.
    public static func ledgerPath(spool: String) -> String {
        "\(spool)/\(folder)/\(ledger)"
    }

    /// The container a loose batch folder (`digital/2021-10-06/0001`) is packed into,
    /// relative to the spool.
    static func packedContainer(forLooseFolder folder: String) -> String {
        "\(Self.folder)/\(packed)/" + folder.split(separator: "/").joined(separator: "-") + ".tar.lzma"
    }
}
