import Foundation
import Testing
@testable import PostbatchKit

@Suite("MessageID")
struct MessageIDTests {
    static func isV4(_ text: String) -> Bool {
        text.wholeMatch(of: /[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}/) != nil
    }

    @Test("deterministic, v4-shaped, lower-case")
    func shape() throws {
        let cpr = try EnvelopeFixtures.cpr("1505729997")
        let first = MessageID.derive(campaignID: "nemid-mitid-2021", cpr: cpr)
        let second = MessageID.derive(campaignID: "nemid-mitid-2021", cpr: cpr)
        #expect(first == second)
        #expect(Self.isV4(first.description), "\(first)")
        for purpose in MessageID.Purpose.allCases {
            let id = MessageID.derive(campaignID: "x", cpr: cpr, for: purpose)
            #expect(Self.isV4(id.description))
        }
    }

    /// Computed apart from this code (Python's hashlib, from the derivation the type documents):
    /// a re-run with a later version must name every letter as the first run did.
    @Test("the same identifiers and reference as every earlier version, for every purpose")
    func stableAcrossVersions() throws {
        let cpr = try EnvelopeFixtures.cpr("0707077077")
        let expected: [MessageID.Purpose: String] = [
            .digitalMessage: "2aa308f9-42b8-480d-8bd9-9d18e1017cc8",
            .paperShipment: "b690cb9e-7238-4468-afb7-a248e501c2b6",
            .paperDocument: "0a00256e-0881-4f26-8ae8-2879a0b74233",
            .supportReference: "8f7f793d-4ed5-4624-892f-96949b86a9d6",
        ]
        for (purpose, id) in expected {
            #expect(MessageID.derive(campaignID: "nemid-mitid-2021", cpr: cpr, for: purpose).description == id)
        }
        #expect(MessageID.supportReference(campaignID: "nemid-mitid-2021", cpr: cpr) == "HXZQ-JFAE-TN32")
    }

    @Test("differs across CPR numbers, campaigns and purposes")
    func distinct() throws {
        let a = try EnvelopeFixtures.cpr("1505729997")
        let b = try EnvelopeFixtures.cpr("1505729998")
        var ids: Set<MessageID> = []
        for cpr in [a, b] {
            for campaign in ["nemid-mitid-2021", "nemid-mitid-2022"] {
                for purpose in MessageID.Purpose.allCases {
                    ids.insert(MessageID.derive(campaignID: campaign, cpr: cpr, for: purpose))
                }
            }
        }
        #expect(ids.count == 2 * 2 * MessageID.Purpose.allCases.count)
    }

    @Test("never contains the CPR digits")
    func noCPR() throws {
        let cpr = try EnvelopeFixtures.cpr("1505729997")
        #expect(!MessageID.derive(campaignID: "c", cpr: cpr).description.contains("1505729997"))
    }
}

@Suite("Field text")
struct FieldTextTests {
    @Test("limit counts scalars but never splits a character")
    func limit() {
        let text = "ab" + "e\u{301}" + "cd"
        #expect(FieldText.limit(text, to: 3) == "ab")
        #expect(FieldText.limit(text, to: 4) == "abe\u{301}")
        #expect(FieldText.limit("😀😀", to: 1) == "😀")
        #expect(FieldText.limit("abc  def", to: 5) == "abc")
    }

    @Test("single line collapses whitespace and controls")
    func singleLine() {
        #expect(FieldText.singleLine("  a\t\r\n b\u{0}\u{FFFF}c  ") == "a b c")
    }
}

@Suite("Timestamp and MeMo version")
struct TimestampTests {
    @Test("formats and parses UTC times", arguments: [
        ("2021-10-01T08:00:00Z", Int64(1_633_075_200)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1969-12-31T23:59:59Z", Int64(-1)),
        ("2024-02-29T12:34:56Z", Int64(1_709_210_096)),
    ])
    func roundTrip(text: String, seconds: Int64) throws {
        #expect(Timestamp(iso: text)?.secondsSinceEpoch == seconds)
        #expect(Timestamp(secondsSinceEpoch: seconds).iso == text)
    }

    @Test("rejects other forms", arguments: [
        "2021-10-01T08:00:00", "2021-10-01 08:00:00Z", "2021-02-30T08:00:00Z", "2021-10-01T24:00:00Z",
        "2021-10-01T08:00:00+02:00", "2021-10-01T08:00:00.5Z", "",
    ])
    func rejects(text: String) {
        #expect(Timestamp(iso: text) == nil)
    }

    @Test("MeMo versions from the command line", arguments: [
        ("1.1", MemoVersion.v1_1), ("1.2", .v1_2), (" 1.2 ", .v1_2), ("1.0", nil), ("1.20", nil), ("v1.2", nil),
    ] as [(String, MemoVersion?)])
    func memoVersion(text: String, expected: MemoVersion?) {
        #expect(MemoVersion(argument: text) == expected)
    }
}
