internal import Logging

/// What the journal decides a run must do, before any letter is written.
enum RunStart {
    /// The spool already holds every letter of this run: nothing to write.
    case complete(RunRecord)
    /// Write what is not done yet; `earlier` is the interrupted attempt, `nil` for a new run.
    case write(earlier: RunRecord?)
}

extension RunJournal {
    /// Decides, from the journal, whether the spool holds this run, and clears it for a
    /// new one when asked to.
    ///
    /// - Parameters:
    ///   - identity: the ``RunIdentity`` of this input and settings.
    ///   - forceNewRun: start over in a spool that holds another run (or unknown files).
    /// - Throws: ``RunError`` `spool_holds_other_run` or `spool_not_empty` when the
    ///   spool is not this run's and `forceNewRun` is not set; ``SpoolError`` when
    ///   clearing fails.
    func start(identity: String, forceNewRun: Bool, logger: Logger) throws -> RunStart {
        let record = try load()
        if let existing = record, existing.identity != identity || forceNewRun {
            guard forceNewRun else {
                throw RunError(code: .otherRun, spool: spool.path,
                               detail: "this spool holds a run of other input or settings; use another --spool folder, or --force-new-run to delete that run's envelopes and start over")
            }
            logger.notice("starting over: --force-new-run removes the spool's earlier run",
                          metadata: ["spool.path": "\(spool.path)"])
            try clearSpool()
            return .write(earlier: nil)
        }
        if record == nil, try !spoolIsEmpty() {
            guard forceNewRun else {
                throw RunError(code: .foreignSpool, spool: spool.path,
                               detail: "the folder holds files that no postbatch run recorded; use an empty or new --spool folder, or --force-new-run to empty it")
            }
            try clearSpool()
        }
        if let existing = record, existing.complete {
            return .complete(existing)
        }
        return .write(earlier: record)
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
