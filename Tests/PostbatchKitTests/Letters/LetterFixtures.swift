import Foundation
@testable import PostbatchKit
import PostbatchTesting

/// Shared data and helpers for the letter tests.
enum LetterFixtures {
    /// The repository's `templates` folder, found from this file's path.
    static let templates: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Letters
        .deletingLastPathComponent()  // PostbatchKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .appendingPathComponent("templates")

    /// The campaign of `templates/campaign.toml`.
    static func campaign() throws -> Campaign {
        try Campaign.load(from: templates.appendingPathComponent("campaign.toml"))
    }

    /// The letters of `count` generated records (`seed`, a tenth of them defective), in input order.
    static func generatedLetters(count: Int, seed: UInt64, schedule: WaveSchedule) throws -> [Letter] {
        var generator = SampleGenerator(options: .init(count: count, seed: seed, defectRate: 0.1))
        let classifier = try InputClassifier(path: try TestInput.file(generator.csv()), schedule: schedule)
        var letters: [Letter] = []
        while let outcome = try classifier.next() {
            if case .letter(let letter) = outcome { letters.append(letter) }
        }
        return letters
    }

    static let name = "Søren Ærøskøbing Åberg"
    static let coName = "Birgitte Østergård"

    /// A fixed, valid CPR number (never printed).
    static let cpr: CPR = {
        guard case .success(let cpr) = CPR.parse(Array("0707077077".utf8)) else { preconditionFailure("fixture CPR") }
        return cpr
    }()

    static func letter(group: LetterGroup, language: Language, channel: Channel = .digital,
                       name: String = name, coName: String? = coName,
                       address: PostalAddress? = PostalAddress(street: "Åboulevarden 12, 3. tv.", postalCode: "8000",
                                                               city: "Aarhus C", countryCode: "DK"),
                       protected: Bool = false, date: CalendarDate = CalendarDate(year: 2021, month: 10, day: 6)!) -> Letter {
        let recipient = Recipient(cpr: cpr, name: name, coName: coName, address: address,
                                  addressProtected: protected, language: language)
        return Letter(sequence: 0, line: 2, recipient: recipient, group: group, channel: channel,
                      date: date)
    }

    /// All ten group × language pairs.
    static let pairs: [(LetterGroup, Language)] = LetterGroup.allCases.flatMap { group in
        Language.allCases.map { (group, $0) }
    }


    /// Runs a tool (pdftotext, qpdf, ...) and returns its exit status and standard output.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try runForData(tool, arguments)
        return (result.status, String(decoding: result.output, as: UTF8.self))
    }

    /// Runs a tool and returns its exit status and standard output as bytes.
    static func runForData(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    /// Writes PDF bytes to a temporary file and returns its URL.
    static func write(_ pdf: [UInt8], named name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(pdf).write(to: url)
        return url
    }

    /// The test templates with personal values (`Tests/Fixtures/personal-letters`): the
    /// shipped templates with an introduction that greets by name, dates the letter in its
    /// body and names the recipient in a paragraph.
    static func personalCampaign() throws -> Campaign {
        let copy = try copyOfTemplates()
        let overlay = templates.deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/personal-letters")
        for language in Language.allCases {
            let file = "\(language.rawValue)/partials/intro.mustache"
            let target = copy.appendingPathComponent(file)
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: overlay.appendingPathComponent(file), to: target)
        }
        return try Campaign.load(from: copy.appendingPathComponent("campaign.toml"))
    }

    /// Copies the repository templates to a temporary folder, for tests that break one.
    static func copyOfTemplates() throws -> URL {
        let folder = try Scratch.folder()
        let copy = folder.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: templates, to: copy)
        return copy
    }
}

extension LetterContent {
    /// The same letter with another body.
    func replacingBlocks(_ blocks: [LetterBlock]) -> LetterContent {
        LetterContent(language: language, group: group, channel: channel, date: date, title: title,
                      senderName: senderName, senderAddressLines: senderAddressLines, senderContact: senderContact,
                      recipientLines: recipientLines, blocks: blocks, reference: reference, abroad: abroad,
                      senderLogo: senderLogo, returnLine: returnLine, fullName: fullName)
    }
}
