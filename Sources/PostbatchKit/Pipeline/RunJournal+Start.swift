internal import Logging

/// What the journal decides a run must do, before any letter is written.
enum RunStart {
    /// The spool already holds every letter of this run: nothing to write.
    case complete(RunRecord)
    /// Write what is not done yet; `earlier` is the interrupted attempt, `nil` for a new run.
    /// `repaired` lists the recorded batches found missing or damaged, to be written again.
    case write(earlier: RunRecord?, repaired: JournalAudit)
}

extension RunJournal {
    /// Decides, from the journal, whether the spool holds this run, and clears it for a
    /// new one when asked to.
    ///
    /// A journal that claims batches is not trusted: every recorded batch is audited
    /// (``audit(expected:)``) and a batch whose files are missing or damaged is written again.
    ///
    /// - Parameters:
    ///   - identity: the ``RunIdentity`` of this input and settings.
    ///   - parts: the identity's parts, to name what differs when the spool holds another run.
    ///   - expected: letters per journal segment of this run.
    ///   - forceNewRun: start over in a spool that holds another run (or unknown files).
    /// - Throws: ``RunError`` `spool_holds_other_run` or `spool_not_empty` when the
    ///   spool is not this run's and `forceNewRun` is not set, or when it holds files a
    ///   spool is not made of (listed: nothing is deleted then); ``SpoolError`` when
    ///   clearing fails.
    func start(identity: String, parts: [String: String], expected: [String: Int], forceNewRun: Bool,
               logger: Logger) throws -> RunStart {
        let record = try load()
        if let existing = record, existing.abandoned == true {
            logger.notice("finishing the removal of a run that --force-new-run started to delete",
                          metadata: ["spool.path": "\(spool.path)"])
            try clearSpool()
            return .write(earlier: nil, repaired: JournalAudit())
        }
        if let existing = record, existing.identity != identity || forceNewRun {
            guard forceNewRun else {
                let what = RunIdentity.differences(existing.parts, parts).map { "; what differs: \($0)" } ?? ""
                throw RunError(code: .otherRun, spool: spool.path,
                               detail: "this spool holds a run of other input or settings\(what); use another --spool folder, or --force-new-run to delete that run's envelopes and start over")
            }
            try refuseForeignEntries()
            logger.notice("starting over: --force-new-run removes the spool's earlier run",
                          metadata: ["spool.path": "\(spool.path)"])
            // Durably first: a kill during the deletion must not leave a "complete" journal.
            try save(existing.markedAbandoned())
            try clearSpool()
            return .write(earlier: nil, repaired: JournalAudit())
        }
        if record == nil, try !spoolIsEmpty() {
            guard forceNewRun else {
                throw RunError(code: .foreignSpool, spool: spool.path,
                               detail: "the folder holds files that no postbatch run recorded; use an empty or new --spool folder, or --force-new-run to empty a spool")
            }
            try refuseForeignEntries()
            try clearSpool()
            return .write(earlier: nil, repaired: JournalAudit())
        }
        guard let existing = record else { return .write(earlier: nil, repaired: JournalAudit()) }
        let audit = try audit(expected: expected)
        if !audit.isClean {
            logger.notice("repairing the spool: recorded batches with missing or damaged files are written again",
                          metadata: ["batches": "\(audit.batches.count)", "problems": "\(audit.summary)"])
            try forget(audit.batches)
            return .write(earlier: existing, repaired: audit)
        }
        return existing.complete ? .complete(existing) : .write(earlier: existing, repaired: audit)
    }

    /// Refuses, listing them, entries that no postbatch run makes: those are the user's.
    private func refuseForeignEntries() throws {
        // A spool that went to Digital Post keeps its ledger: deleting it would let a new
        // run's letters pass for ones already sent (same message ids), or send them twice.
        if SpoolContents.entries(of: spool.path).contains(SpoolLayout.delivery) {
            throw RunError(code: .foreignSpool, spool: spool.path,
                           detail: "this spool has a delivery ledger (\(SpoolLayout.delivery)): its letters were handed to Digital Post, and --force-new-run does not delete that record; start the new run in another --spool folder")
        }
        let foreign = SpoolContents.foreignEntries(in: spool.path)
        guard foreign.isEmpty else {
            throw RunError(code: .foreignSpool, spool: spool.path,
                           detail: "--force-new-run deletes only what a postbatch spool is made of, and this folder holds other things: \(foreign.joined(separator: ", ")); move them away or choose another --spool folder")
        }
    }

    /// Whether the spool holds nothing but the lock and the journal.
    private func spoolIsEmpty() throws(SpoolError) -> Bool {
        try Self.contents(of: spool.path).allSatisfy { SpoolLayout.bookkeeping.contains($0) }
    }

    /// Removes an earlier run's envelopes, lists and journal.
    private func clearSpool() throws(SpoolError) {
        for name in try Self.contents(of: spool.path) where !SpoolLayout.bookkeeping.contains(name) {
            try Self.remove(spool.path + "/" + name)
        }
        try reset()
    }
}
