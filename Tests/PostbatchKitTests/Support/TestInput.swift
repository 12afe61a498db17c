import Foundation
@testable import PostbatchKit
import PostbatchTesting

/// Helpers that write CSV text to a temporary file and classify it.
enum TestInput {

    /// Writes bytes to a temporary file and returns its path.
    static func file(_ bytes: [UInt8], name: String = "records.csv") throws -> String {
        let url = try Scratch.folder().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func file(_ text: String, name: String = "records.csv") throws -> String {
        try file(Array(text.utf8), name: name)
    }

    static let schedule = WaveSchedule(firstDay: CalendarDate(year: 2021, month: 10, day: 6)!, waves: 3)

    /// Every outcome of a CSV text, in order.
    static func outcomes(_ text: String, delimiter: Character? = nil,
                         schedule: WaveSchedule = schedule) throws -> [Outcome] {
        let classifier = try InputClassifier(path: try file(text), delimiter: delimiter, schedule: schedule)
        var outcomes: [Outcome] = []
        while let outcome = try classifier.next() { outcomes.append(outcome) }
        return outcomes
    }

    /// The statistics of a CSV text.
    static func statistics(_ text: String, schedule: WaveSchedule = schedule) throws -> Statistics {
        let classifier = try InputClassifier(path: try file(text), schedule: schedule)
        return try classifier.tally()
    }

    /// The standard header used by most tests.
    static let header = "cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"

    /// A valid record line for the standard header, with fields replaced by name.
    static func row(cpr: String = "0707077077", name: String = "Søren Ærø", co: String = "",
                    street: String = "Vestergade 1", postal: String = "1620", city: String = "København V",
                    country: String = "", status: String = "01", protected: String = "", bank: String = "ja",
                    update: String = "nej", keyApp: String = "", exempt: String = "", language: String = "") -> String {
        [cpr, name, co, street, postal, city, country, status, protected, bank, update, keyApp, exempt, language]
            .joined(separator: ";")
    }

    static func csv(_ rows: String...) -> String {
        ([header] + rows).joined(separator: "\n") + "\n"
    }
}

extension Outcome {
    var rejectionCode: ClassificationError.Code? {
        if case .rejected(let error) = self { return error.code }
        return nil
    }

    var letter: Letter? {
        if case .letter(let letter) = self { return letter }
        return nil
    }

    var skipReason: String? {
        if case .skipped(let skipped) = self { return skipped.reason }
        return nil
    }

    var line: Int {
        switch self {
        case .letter(let letter): letter.line
        case .skipped(let skipped): skipped.line
        case .rejected(let error): error.line
        }
    }
}
