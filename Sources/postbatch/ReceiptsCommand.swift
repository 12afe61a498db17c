import ArgumentParser
import Foundation
import PostbatchKit

struct ReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "Fetch Digital Post's receipts into the spool's ledger.",
        discussion: """
            Pages through GET {endpoint}/receipts-bulk/, stores each page in the ledger in one \
            transaction, then deletes the stored receipts on the server (one DELETE per receipt, \
            as SPEC §6 defines it; --connections of them at once). Each letter keeps its \
            latest status (RECEIVED, COMPLETED, INVALID, NOT_ALLOWED). With --from FILE, imports \
            a JSON file of receipts instead (a receipts-bulk page or a list). Receipts for \
            messages the spool does not hold are stored and listed, not dropped.

            Examples:
              postbatch receipts spool --endpoint https://api.test.digitalpost.dk/apis/v1 \\
                  --cert foces.pem --key foces.key
              postbatch receipts spool --from receipts.json
            """
    )

    @Argument(help: ArgumentHelp("The spool folder a run wrote.", valueName: "dir"))
    var directory: String

    @OptionGroup var endpointOptions: EndpointOptions

    @Option(help: ArgumentHelp("Import receipts from this JSON file instead of the server.", valueName: "file"))
    var from: String?

    @Option(help: "Receipts per page.")
    var pageSize: Int = 1000

    @Option(help: "DELETE requests in flight at once (connections to the server).")
    var connections: Int = 4

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if !(1...10_000).contains(pageSize) { throw ValidationError("--page-size must be from 1 to 10000") }
        if !(1...64).contains(connections) {
            throw ValidationError("--connections must be from 1 to 64 (found \(connections))")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        try await withExitCodes {
            let collector = ReceiptCollector(spool: directory, pageSize: pageSize, connections: connections, logger: logger)
            let summary = if let from {
                try collector.importFile(from)
            } else {
                try await collector.fetch(from: try endpointOptions.load())
            }
            var line = "postbatch: \(summary.read) receipt(s) read, \(summary.stored) stored"
            if summary.duplicates > 0 { line += ", \(summary.duplicates) already known" }
            if from == nil { line += ", \(summary.deleted) deleted on the server" }
            if summary.unrecognised > 0 { line += ", \(summary.unrecognised) with an unknown status" }
            console.message(line)
            if !summary.unknown.isEmpty {
                console.message("postbatch: \(summary.unknown.count) receipt(s) for messages this spool does not hold:")
                for receipt in summary.unknown.prefix(100) {
                    console.message("  \(receipt.messageUUID ?? "?") \(receipt.receiptStatus ?? "?") transmission \(receipt.transmissionId ?? "?")")
                }
            }
        }
    }
}
