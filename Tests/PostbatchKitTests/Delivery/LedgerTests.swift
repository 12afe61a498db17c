import Foundation
import Testing
@testable import PostbatchKit

@Suite("the delivery ledger")
struct LedgerTests {
    /// A spool folder with only a manifest of `count` digital letters, 2 per container.
    func spool(count: Int) throws -> (String, [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var text = SpoolLayout.manifestHeader + "\n"
        var uuids: [String] = []
        for index in 0..<count {
            let uuid = UUID().uuidString.lowercased()
            uuids.append(uuid)
            let container = String(format: "%04d", index / 2 + 1)
            text += "\(uuid),\(index % 5 + 1),digital,2021-10-06,da,100,\(String(repeating: "a", count: 64)),digital/2021-10-06/\(container).tar.lzma\n"
        }
        try text.write(toFile: folder + "/manifest.csv", atomically: true, encoding: .utf8)
        return (folder, uuids)
    }

    @Test("reads the manifest once: one letter row each, one transmission per container")
    func fill() throws {
        let (folder, uuids) = try spool(count: 7)
        let ledger = try Ledger(spool: folder)
        let transmissions = try ledger.transmissions()
        #expect(transmissions.map(\.letters) == [2, 2, 2, 1])
        #expect(transmissions.allSatisfy { $0.state == .pending })
        // Opening again adds nothing.
        _ = try Ledger(spool: folder)
        #expect(try Ledger(spool: folder).transmissions().map(\.letters) == [2, 2, 2, 1])
        #expect(try ledger.letters(inTransmission: "digital/2021-10-06/0001.tar.lzma").sorted() == uuids.prefix(2).sorted())
    }

    @Test("a letter keeps its latest receipt; a receipt stored twice counts once; unknown ones are kept")
    func receipts() throws {
        let (folder, uuids) = try spool(count: 2)
        let ledger = try Ledger(spool: folder)
        let stored = try ledger.store([
            Receipt(id: "2", messageUUID: uuids[0], timeStamp: "2021-10-06T08:00:02Z", receiptStatus: "COMPLETED"),
            Receipt(id: "1", messageUUID: uuids[0], timeStamp: "2021-10-06T08:00:01Z", receiptStatus: "RECEIVED"),
            Receipt(id: "3", messageUUID: "00000000-0000-4000-8000-000000000000", receiptStatus: "RECEIVED"),
        ])
        #expect(stored.stored == 3 && stored.unknown.count == 1)
        #expect(try ledger.store([Receipt(id: "2", messageUUID: uuids[0], receiptStatus: "COMPLETED")]).duplicates == 1)
        let status = try DeliveryStatus.read(spool: folder)
        #expect(status.total(.completed) == 1 && status.total(.notSent) == 1 && status.unknownReceipts == 1)
    }

    @Test("an uncertain transmission is sent when a receipt names one of its letters, pending when none does")
    func settle() throws {
        let (folder, uuids) = try spool(count: 4)
        let ledger = try Ledger(spool: folder)
        try ledger.markSending("digital/2021-10-06/0001.tar.lzma")
        try ledger.markSending("digital/2021-10-06/0002.tar.lzma")
        _ = try ledger.store([Receipt(id: "a", transmissionId: "t1", messageUUID: uuids[1], receiptStatus: "RECEIVED")])
        let settled = try ledger.settleUncertain()
        #expect(settled.sent == 1 && settled.pending == 1)
        let states = try ledger.transmissions().map(\.state)
        #expect(states == [.sent, .pending])
        #expect(try ledger.transmissions().first?.transmissionId == "t1")
    }
}

@Suite("sender system credentials")
struct SystemCredentialsTests {
    @Test("the environment wins; the campaign file's [digital_post] table is the fallback; neither is an error")
    func sources() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("campaign-\(UUID().uuidString).toml")
        try "[digital_post]\nsystem_id = \"from-file\"\nsystem_secret = \"s\"\n".write(to: file, atomically: true, encoding: .utf8)
        let environment = ["POSTBATCH_SYSTEM_ID": "from-env", "POSTBATCH_SYSTEM_SECRET": "e"]
        #expect(try SystemCredentials.load(environment: environment, campaignFile: file.path).systemID == "from-env")
        #expect(try SystemCredentials.load(environment: [:], campaignFile: file.path).systemID == "from-file")
        #expect(throws: DeliveryError.self) { try SystemCredentials.load(environment: [:], campaignFile: nil) }
    }
}
