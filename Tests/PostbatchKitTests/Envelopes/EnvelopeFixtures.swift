import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// Shared inputs for the envelope tests: the shipped schemas, a tiny PDF, a campaign,
/// letters. All people and addresses are fictitious.
enum EnvelopeFixtures {
    struct MissingReference: Error, CustomStringConvertible {
        let description: String
    }

    /// The repository root: the folder holding `Package.swift`, found by walking up from this file.
    static func repositoryRoot(filePath: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        throw MissingReference(description: "no Package.swift above \(filePath)")
    }

    /// The schemas the product ships: `schemas/` in the repository.
    static func schemaDirectory() throws -> URL {
        let schemas = try repositoryRoot().appendingPathComponent("schemas")
        guard FileManager.default.fileExists(atPath: schemas.appendingPathComponent("memo").path),
              FileManager.default.fileExists(atPath: schemas.appendingPathComponent("fjernprint").path)
        else {
            throw MissingReference(description: "the schemas are missing: expected memo/ and fjernprint/ in \(schemas.path)")
        }
        return schemas
    }

    /// Example envelopes and the tiny PDF: `Tests/Fixtures/` (see its SOURCE.md).
    static func fixture(_ path: String) throws -> URL {
        try repositoryRoot().appendingPathComponent("Tests/Fixtures").appendingPathComponent(path)
    }

    static func memoSchema(_ version: MemoVersion) throws -> String {
        let schemas = try schemaDirectory()
        switch version {
        case .v1_1: return schemas.appendingPathComponent("memo/v1.1/MeMo_core.xsd").path
        case .v1_2: return schemas.appendingPathComponent("memo/v1.2/Version1.2/MeMo_core.xsd").path
        }
    }

    static func fjernprintSchema() throws -> String {
        try schemaDirectory().appendingPathComponent("fjernprint/wrapper-ForsendelseI.xsd").path
    }

    /// The 586-byte one-page reference PDF.
    static func tinyPDF() throws -> [UInt8] {
        Array(try Data(contentsOf: fixture("fjernprint/letter-tiny.pdf")))
    }

    /// The print supplier's settings of the reference examples (265 is their placeholder).
    static let printSettings = Campaign.PrintSettings(shipmentType: 265, receipts: .failuresOnly)

    static func campaign(id: String = "nemid-mitid-2021", title: String? = nil,
                         print: Campaign.PrintSettings? = printSettings,
                         notifications: [Language: String] = [:]) -> Campaign {
        var titles: [Language: [LetterGroup: String]] = [:]
        for group in LetterGroup.allCases {
            titles[.da, default: [:]][group] = title ?? "Fra NemID til MitID"
            titles[.en, default: [:]][group] = title ?? "From NemID to MitID"
        }
        return Campaign(
            id: id,
            sender: .init(cvr: "34051178", name: "Digitaliseringsstyrelsen",
                          addressLines: ["Landgreven 4", "1301 København K"], contact: "mitid.dk"),
            firstDay: CalendarDate(year: 2021, month: 10, day: 6)!,
            waves: 3, printDay: nil, titles: titles,
            templateDirectory: URL(fileURLWithPath: "/tmp"), notifications: notifications, print: print)
    }

    static let now = Timestamp(secondsSinceEpoch: 1_633_075_200)  // 2021-10-01T08:00:00Z
    static let massMailingID = "b1e0c4d2-6f1a-4c3e-8d5b-2a9f7e6c1d30"

    static func writer(_ version: MemoVersion = .v1_2, campaign: Campaign = campaign()) throws -> EnvelopeWriter {
        try EnvelopeWriter(campaign: campaign, memoVersion: version, massMailingID: massMailingID, now: now)
    }

    static func cpr(_ digits: String) throws -> CPR {
        try CPR.parse(Array(digits.utf8)).get()
    }

    static func letter(cpr digits: String = "1505729997", name: String = "Jens Peter Østergård Ærø",
                       coName: String? = nil, address: PostalAddress? = nil,
                       group: LetterGroup = .bankUpdate, language: Language = .da) throws -> Letter {
        let recipient = Recipient(cpr: try cpr(digits), name: name, coName: coName, address: address,
                                  addressProtected: false, language: language)
        return Letter(sequence: 0, line: 2, recipient: recipient, group: group,
                      channel: address == nil ? .digital : .print,
                      date: address == nil ? CalendarDate(year: 2021, month: 10, day: 7)!
                                           : CalendarDate(year: 2021, month: 10, day: 9)!)
    }

    /// Runs `xmllint --noout --nonet --schema`; returns its exit status and standard error.
    static func xmllint(_ document: [UInt8], schema: String) throws -> (status: Int32, output: String) {
        let file = try Scratch.folder("envelope").appendingPathComponent("envelope.xml")
        try Data(document).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--nonet", "--schema", schema, file.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
