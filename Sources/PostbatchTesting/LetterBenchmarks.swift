package import PostbatchKit
package import Foundation
internal import Synchronization
internal import Dispatch

/// Workloads for the benchmarks: compose and render many letters.
package enum LetterBenchmarks {
    /// A campaign like `templates/campaign.toml`, for benchmarks and tests that need no file.
    package static func sampleCampaign(templateDirectory: URL) -> Campaign {
        var titles: [Language: [LetterGroup: String]] = [:]
        for language in Language.allCases {
            for group in LetterGroup.allCases {
                titles[language, default: [:]][group] = "\(language == .da ? "Brev" : "Letter") \(group.rawValue): \(group.slug)"
            }
        }
        let firstDay = CalendarDate(daysSinceEpoch: 18_906)  // 2021-10-06
        return Campaign(
            id: "benchmark", sender: .init(cvr: "34051178", name: "Digitaliseringsstyrelsen",
                                           addressLines: ["Landgreven 4", "1301 København K"],
                                           contact: "MitID.dk · Tlf. 33 98 00 10"),
            firstDay: firstDay, waves: 3, printDay: nil, titles: titles, templateDirectory: templateDirectory,
            print: .init(shipmentType: 1, receipts: .failuresOnly))
    }

    /// The `index`-th benchmark letter: groups, languages and channels in turn, a
    /// distinct synthetic CPR number each.
    package static func letter(_ index: Int, campaign: Campaign) -> Letter? {
        guard let cpr = try? CPR.parse(Array(SampleGenerator.cpr(for: index, hyphen: false).utf8)).get() else { return nil }
        let recipient = Recipient(
            cpr: cpr, name: "Søren Ærøskøbing Åberg \(index)", coName: index % 5 == 0 ? "Anne Jensen" : nil,
            address: PostalAddress(street: "Nørregade \(index % 200 + 1), 2. th.", postalCode: "8000",
                                   city: "Aarhus C", countryCode: "DK"),
            addressProtected: false, language: index % 7 == 0 ? .en : .da)
        return Letter(sequence: index, line: index + 2, recipient: recipient,
                      group: LetterGroup.allCases[index % 5], channel: index % 50 == 0 ? .print : .digital,
                      date: campaign.firstDay)
    }

    /// Composes and renders `count` letters with the reference renderer, one worker.
    ///
    /// - Returns: the total number of PDF bytes, so the work cannot be optimised away.
    package static func renderMany(count: Int, campaign: Campaign) throws(LetterError) -> Int {
        let composer = try LetterComposer(campaign: campaign)
        let renderer = try LetterRenderer()
        var total = 0
        for index in 0..<count {
            guard let letter = letter(index, campaign: campaign) else { break }
            total += try renderer.render(try composer.compose(letter)).count
        }
        return total
    }

    /// Composes and renders `count` letters with the fast path (falling back to the
    /// reference renderer where it must), one worker.
    package static func renderManyFast(count: Int, campaign: Campaign) throws(LetterError) -> (bytes: Int, fallbacks: Int) {
        let composer = try LetterComposer(campaign: campaign)
        let fast = try FastLetterRenderer(templates: FastLetterTemplates(composer: composer))
        let reference = try LetterRenderer()
        var total = 0
        var fallbacks = 0
        for index in 0..<count {
            guard let letter = letter(index, campaign: campaign) else { break }
            let content = try composer.compose(letter)
            if let pdf = try fast.render(content) {
                total += pdf.count
            } else {
                fallbacks += 1
                total += try reference.render(content).count
            }
        }
        return (total, fallbacks)
    }

    /// Composes and renders `count` letters with the reference renderer on `workers`
    /// threads, each with its own renderer.
    ///
    /// - Returns: the total number of PDF bytes.
    package static func renderParallel(count: Int, workers: Int, campaign: Campaign) throws -> Int {
        let composer = try LetterComposer(campaign: campaign)
        let totals = Mutex<(bytes: Int, failure: (any Error)?)>((0, nil))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let renderer = try LetterRenderer()
                var bytes = 0
                for index in stride(from: worker, to: count, by: workers) {
                    guard let letter = letter(index, campaign: campaign) else { continue }
                    bytes += try renderer.render(try composer.compose(letter)).count
                }
                totals.withLock { $0.bytes += bytes }
            } catch {
                totals.withLock { $0.failure = error }
            }
        }
        let result = totals.withLock { $0 }
        if let failure = result.failure { throw failure }
        return result.bytes
    }
}
