internal import Crypto
internal import Foundation
internal import GRDB
public import Logging

/// What `postbatch fallback` did.
public struct FallbackSummary: Sendable, Equatable {
    /// NOT_ALLOWED letters without a paper letter when it started.
    public var candidates = 0
    /// Paper letters written now.
    public var written = 0
    /// The date on them.
    public var date: CalendarDate?
    /// Letters that cannot go on paper: message UUID and reason (a SPEC §2 reject code
    /// such as `missing_address`, a `status_XX`, or `not_in_input`). No CPR, no address.
    public var undeliverable: [(uuid: String, reason: String)] = []

    public static func == (lhs: FallbackSummary, rhs: FallbackSummary) -> Bool {
        lhs.candidates == rhs.candidates && lhs.written == rhs.written && lhs.date == rhs.date
            && lhs.undeliverable.map(\.uuid) == rhs.undeliverable.map(\.uuid)
    }
}

/// Turns every NOT_ALLOWED letter into a fjernprint paper letter, exactly once (SPEC §6).
///
/// The paper letter has the digital letter's group, language and text; its address
/// comes from the input record, which must pass the paper checks of SPEC §2 (the
/// classifier's own, run as if the person were exempt), or the letter is listed as
/// `undeliverable` with the reason. It is dated the next Danish business day and
/// written under `print/<date>/<NNNN>/<uuid>.xml` with its own manifest line.
///
/// The input must be the run's input: its SHA-256 must match the input hash the run
/// recorded in `.journal/run.json`, and each NOT_ALLOWED letter is found by its message
/// UUID (which derives from the campaign and the CPR number) with the group and language
/// the run gave it. Otherwise the command stops before it writes anything
/// (`input_mismatch`). A run record of an older postbatch without the hash is matched by
/// the letters alone.
///
/// Exactly once, across kills: the paper letter's UUID derives from the CPR; its
/// folder, date and time are recorded in the ledger before the envelope is written; the
/// envelopes (same bytes on a rerun) are renamed into place, made durable together by
/// one `syncfs`, then the manifest is rewritten with the new lines (atomically, lines
/// already there are not added twice), and only then is the fallback marked done.
public struct PaperFallback: Sendable {
    public let spool: String
    public let input: String
    public let delimiter: Character?
    public let campaign: Campaign
    public let logger: Logger
    /// The day the command runs; the letters are dated the next business day after it.
    public let today: CalendarDate

    public init(spool: String, input: String, delimiter: Character?, campaign: Campaign, logger: Logger,
                today: CalendarDate) {
        self.spool = spool
        self.input = input
        self.delimiter = delimiter
        self.campaign = campaign
        self.logger = logger
        self.today = today
    }

    struct Candidate {
        let uuid: String
        let group: LetterGroup
        let language: Language
        /// Set when an earlier, interrupted fallback planned it.
        let plannedFile: String?
        let plannedTime: String?
    }

    struct Planned {
        let original: String
        let letter: Letter
        let uuid: String
        let file: String
        let time: Timestamp
    }

    /// What the input says of the candidates.
    struct Matches {
        /// Candidates whose record passes the paper checks, as a paper letter.
        var found: [String: Letter] = [:]
        /// Candidates that cannot go on paper, with the reason.
        var reasons: [String: String] = [:]
    }

    /// Writes the paper letters.
    ///
    /// - Throws: ``DeliveryError`` `input_mismatch` when the input is not the run's (its
    ///   SHA-256 differs from the one the run recorded, or its letters differ); `ledger`,
    ///   `not_a_spool`, `fallback`; ``InputError``, ``LetterError``, ``EnvelopeError``,
    ///   ``SpoolError``, ``RunError`` from the stages it reuses.
    public func run() async throws -> FallbackSummary {
        var lock = try SpoolDirectory(path: spool).lock()
        defer { lock.release() }
        try removeTemporaries()
        let ledger = try Ledger(spool: spool)
        var summary = FallbackSummary()
        let candidates = try self.candidates(in: ledger)
        summary.candidates = candidates.count
        guard !candidates.isEmpty else { return summary }
        let record = try RunJournal(spool: SpoolDirectory(path: spool)).load()
        let matches = try match(candidates, runInput: record?.parts?["input"])
        let date = today.nextDanishBusinessDay()
        summary.date = date

        // Plan: folder, date and time of each paper letter, in the ledger before any file.
        let plans = try plan(candidates: candidates, found: matches.found, date: date, now: Timestamp.now())
        try ledger.write("plan paper letters in") { db in
            for plan in plans {
                try db.execute(sql: """
                    UPDATE letter SET fallbackUUID = ?, fallbackFile = ?, fallbackTime = ?, undeliverable = NULL
                    WHERE uuid = ?
                    """, arguments: [plan.uuid, plan.file, plan.time.iso, plan.original])
            }
            for (uuid, reason) in matches.reasons {
                try db.execute(sql: "UPDATE letter SET undeliverable = ? WHERE uuid = ?", arguments: [reason, uuid])
            }
        }
        summary.undeliverable = matches.reasons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        // Write the envelopes, then the manifest, then mark them done.
        try appendToManifest(try await write(plans, massMailingID: record?.massMailingID ?? "postbatch-fallback"))
        try markDone(plans, in: ledger)
        summary.written = plans.count
        logger.info("paper letters written", metadata: ["fallback.letters": "\(plans.count)",
                                                        "fallback.undeliverable": "\(matches.reasons.count)"])
        return summary
    }

    /// Deletes the temporary files a killed fallback left: envelopes under `print/`, the
    /// manifest in the spool's root. Called while holding the spool's lock.
    func removeTemporaries() throws(SpoolError) {
        let removed = try AtomicFileWriter.removeTemporaries(in: "\(spool)/\(Channel.print.rawValue)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []
        let manifests = names.filter { AtomicFileWriter.isTemporaryName($0) && $0.hasPrefix(".\(SpoolLayout.manifest)") }
        for name in manifests where unlink("\(spool)/\(name)") != 0 && errno != ENOENT {
            throw SpoolError(errno: errno, operation: "unlink", path: "\(spool)/\(name)")
        }
        if removed + manifests.count > 0 {
            logger.notice("removed the temporary files of a stopped fallback",
                          metadata: ["fallback.temporaries": "\(removed + manifests.count)"])
        }
    }

    /// The NOT_ALLOWED digital letters without a finished paper letter.
    func candidates(in ledger: Ledger) throws(DeliveryError) -> [Candidate] {
        try ledger.read("read") { db in
            try Row.fetchAll(db, sql: """
                SELECT uuid, letterGroup, language, fallbackFile, fallbackTime FROM letter
                WHERE status = 'NOT_ALLOWED' AND channel = 'digital' AND fallbackDone = 0
                """).compactMap { row -> Candidate? in
                guard let group = LetterGroup(rawValue: row["letterGroup"]),
                      let language = Language(rawValue: row["language"]) else { return nil }
                return Candidate(uuid: row["uuid"], group: group, language: language,
                                 plannedFile: row["fallbackFile"], plannedTime: row["fallbackTime"])
            }
        }
    }

    /// Finds each candidate's record in the input, as a paper letter, and checks that the
    /// input is the run's: its SHA-256 must give the run's recorded input hash
    /// (`runInput`, from `.journal/run.json`), and every letter found must have the
    /// group and language the run gave it. Nothing is written before this passes.
    func match(_ candidates: [Candidate], runInput: String?) throws -> Matches {
        var byUUID: [String: Candidate] = [:]
        for candidate in candidates { byUUID[candidate.uuid] = candidate }
        final class Hashing { var hasher = SHA256() }
        let hashing = Hashing()
        let classifier = try InputClassifier(path: input, delimiter: delimiter, schedule: campaign.schedule,
                                             observer: { hashing.hasher.update(bufferPointer: $0) })
        classifier.paperForAll = true
        var matches = Matches()
        var mismatches: [String] = []
        while let outcome = try classifier.next() {
            guard let cpr = outcome.cpr else { continue }
            let uuid = MessageID.derive(campaignID: campaign.id, cpr: cpr, for: .digitalMessage).description
            guard let candidate = byUUID[uuid], matches.found[uuid] == nil, matches.reasons[uuid] == nil else { continue }
            switch outcome {
            case .letter(let letter) where letter.group != candidate.group || letter.language != candidate.language:
                mismatches.append(uuid)
            case .letter(let letter): matches.found[uuid] = letter
            case .rejected(let error): matches.reasons[uuid] = error.code.description
            case .skipped(let record): matches.reasons[uuid] = record.reason
            }
        }
        let inputPart = RunIdentity.inputPart(inputSHA256: Hex.string(hashing.hasher.finalize()))
        let detail: String? = if let runInput, runInput != inputPart {
            "its SHA-256 differs from the input the run recorded in \(SpoolLayout.journal)/\(SpoolLayout.journalRecord)"
        } else if !mismatches.isEmpty {
            "\(mismatches.count) letter(s) get another group or language from it (first: \(mismatches[0]))"
        } else if matches.found.isEmpty && matches.reasons.isEmpty {
            "none of the \(candidates.count) NOT_ALLOWED letters is in it"
        } else {
            nil
        }
        if let detail {
            throw DeliveryError(code: .inputMismatch, subject: input,
                                message: "\(input) is not the input of the run that wrote \(spool): \(detail); "
                                    + "give the same file the run read")
        }
        if runInput == nil {
            logger.notice("the spool's run record holds no input hash (an older postbatch wrote it): the input is matched by its letters only")
        }
        for candidate in candidates where matches.found[candidate.uuid] == nil && matches.reasons[candidate.uuid] == nil {
            matches.reasons[candidate.uuid] = "not_in_input"
        }
        return matches
    }

    /// Writes each planned paper envelope into place (the same bytes on a rerun), rendered
    /// on one worker per core as `run` does, then makes them all durable with one `syncfs` of
    /// the spool's file system.
    ///
    /// Each envelope is renamed into place whole (never half a file), without a `fsync` of
    /// its own: nothing names it before the manifest does, and the manifest is rewritten
    /// only after the `syncfs` has succeeded, so neither a power cut nor a failed write-back
    /// can leave a manifest line without its file.
    ///
    /// - Returns: each paper letter's uuid and manifest line: grouped by the time each was
    ///   planned at (normally one), in the order of `plans` within a group.
    func write(_ plans: [Planned], massMailingID: String) async throws -> [(uuid: String, line: String)] {
        let composer = try LetterComposer(campaign: campaign)
        let directory = SpoolDirectory(path: spool)
        for folder in Set(plans.map { Self.folder(of: $0.file) }) {
            _ = try directory.makeDirectory(folder)
        }
        var lines: [(uuid: String, line: String)] = []
        lines.reserveCapacity(plans.count)
        // Normally one time; an interrupted fallback's letters keep the time it planned.
        var times: [Timestamp] = []
        for plan in plans where !times.contains(plan.time) { times.append(plan.time) }
        for time in times {
            let group = plans.filter { $0.time == time }
            let envelopes = try EnvelopeWriter(campaign: campaign, massMailingID: massMailingID, now: time)
            let factory = try LetterFactory(composer: composer, envelopes: envelopes, renderer: .fast)
            lines += try await write(group, factory: factory)
        }
        try Syscall.syncFileSystem(containing: spool)
        return lines
    }

    /// Renders and writes one group of plans (one time) with `factory`, in order.
    private func write(_ plans: [Planned], factory: LetterFactory) async throws -> [(uuid: String, line: String)] {
        var files: [String: String] = [:]
        for plan in plans { files[plan.uuid] = plan.file }
        var remaining = plans.makeIterator()
        var lines: [(uuid: String, line: String)] = []
        _ = try await LetterProduction.run(
            workers: RunOptions.coreCount, cancellation: RunCancellation(),
            nextLetter: { remaining.next().map { ($0.letter, BatchKey(channel: .print, date: $0.letter.date, number: 1)) } },
            make: { [spool, files] letter, batch, renderers in
                let made = try factory.produce(letter, batch: batch, renderers: renderers)
                guard let file = files[made.uuid] else {
                    throw DeliveryError(code: .fallback, subject: made.uuid,
                                        message: "internal error: a paper letter's id differs from the planned one")
                }
                var writer = AtomicFileWriter(directory: "\(spool)/\(Self.folder(of: file))", syncDirectory: false)
                writer.syncFile = false
                try writer.write(made.envelope, to: file.split(separator: "/").last.map(String.init) ?? file)
                return WrittenLetter(batch: batch, manifestLine: made.manifestLine(file: file), envelope: nil,
                                     size: made.envelope.count)
            },
            factory: factory,
            consume: { results in
                lines += results.map { (String($0.manifestLine.prefix { $0 != "," }), $0.manifestLine) }
            })
        guard lines.count == plans.count, zip(lines, plans).allSatisfy({ $0.uuid == $1.uuid }) else {
            throw DeliveryError(code: .fallback, subject: spool,
                                message: "internal error: the paper letters written differ from the planned ones")
        }
        return lines
    }

    /// The folder of a spool-relative file.
    static func folder(of file: String) -> String {
        String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
    }

    /// Records the paper letters as done, each with its own ledger row.
    func markDone(_ plans: [Planned], in ledger: Ledger) throws(DeliveryError) {
        try ledger.write("record paper letters in") { db in
            for plan in plans {
                try db.execute(sql: "UPDATE letter SET fallbackDone = 1 WHERE uuid = ?", arguments: [plan.original])
                try db.execute(sql: """
                    INSERT INTO letter (uuid, letterGroup, channel, date, language, file, fallbackOf)
                    VALUES (?, ?, 'print', ?, ?, ?, ?)
                    ON CONFLICT(uuid) DO UPDATE SET fallbackOf = excluded.fallbackOf
                    """, arguments: [plan.uuid, plan.letter.group.rawValue, plan.letter.date.iso,
                                     plan.letter.language.rawValue, plan.file, plan.original])
            }
        }
    }

    /// Where each found letter goes: a planned file from an interrupted run, or the next
    /// free fan-out folders of the date.
    func plan(candidates: [Candidate], found: [String: Letter], date: CalendarDate, now: Timestamp) throws -> [Planned] {
        var plans: [Planned] = []
        var nextNumber: Int?
        var inFolder = 0
        for candidate in candidates {
            guard let letter = found[candidate.uuid] else { continue }
            let time = candidate.plannedTime.flatMap { Timestamp(iso: $0) } ?? now
            let letterDate = candidate.plannedFile.flatMap { file in
                file.split(separator: "/").dropFirst().first.flatMap { CalendarDate(iso: String($0)) }
            } ?? date
            let paper = Letter(sequence: letter.sequence, line: letter.line, recipient: letter.recipient,
                               group: letter.group, channel: .print, date: letterDate)
            let uuid = MessageID.derive(campaignID: campaign.id, cpr: letter.recipient.cpr, for: .paperShipment).description
            let file: String
            if let planned = candidate.plannedFile {
                file = planned
            } else {
                if nextNumber == nil || inFolder >= SpoolLayout.lettersPerFolder {
                    nextNumber = try freeFolderNumber(date: date, after: nextNumber)
                    inFolder = 0
                }
                inFolder += 1
                let key = BatchKey(channel: .print, date: date, number: nextNumber ?? 1)
                file = "\(SpoolLayout.looseFolder(of: key))/\(uuid).xml"
            }
            plans.append(Planned(original: candidate.uuid, letter: paper, uuid: uuid, file: file, time: time))
        }
        return plans
    }

    /// The first fan-out folder number of `print/<date>/` above every existing one and `after`.
    func freeFolderNumber(date: CalendarDate, after: Int?) throws -> Int {
        let folder = "\(spool)/\(Channel.print.rawValue)/\(date.iso)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let highest = names.compactMap { Int($0.prefix(4)) }.max() ?? 0
        let number = max(highest, after ?? 0) + 1
        guard number <= 9999 else {
            throw DeliveryError(code: .fallback, subject: folder, message: "\(folder) has no free fan-out folder left")
        }
        return number
    }

    /// Rewrites `manifest.csv` with the lines it does not hold yet, atomically.
    func appendToManifest(_ lines: [(uuid: String, line: String)]) throws {
        var present = Set<String>()
        let wanted = Set(lines.map(\.uuid))
        try ManifestEntry.read(spool: spool) { entry in
            if wanted.contains(entry.uuid) { present.insert(entry.uuid) }
        }
        let missing = lines.filter { !present.contains($0.uuid) }
        guard !missing.isEmpty else { return }
        let path = "\(spool)/\(SpoolLayout.manifest)"
        guard let source = FileHandle(forReadingAtPath: path) else {
            throw DeliveryError(code: .notASpool, subject: path, message: "cannot read \(path)")
        }
        defer { try? source.close() }
        let file = try AtomicFileWriter(directory: spool).begin(name: SpoolLayout.manifest)
        do {
            var last: UInt8 = 0x0A
            while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty {
                try file.write([UInt8](chunk))
                last = chunk.last ?? last
            }
            if last != 0x0A { try file.write([0x0A]) }
            try file.write(Array(missing.map(\.line).joined().utf8))
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }
}
