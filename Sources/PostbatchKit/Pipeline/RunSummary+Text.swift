/// What `run` tells a person at its end, on standard error.
extension RunSummary {
    /// The last line of a run: what was written (letters, rejected, skipped), how long it
    /// took, the average rate, and where the spool is.
    ///
    /// ```text
    /// wrote 48,210 letters (45,002 digital, 3,208 paper; 1,402 rejected, 388 skipped) in 2:41, 299 letters/s, into spool
    /// ```
    ///
    /// - Parameters:
    ///   - spool: the spool folder as given.
    ///   - elapsed: the run's wall-clock time.
    public func finalLine(spool: String, elapsed: Duration) -> String {
        let stats = statistics
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = "in \(ProgressReporter.clock(seconds))"
        func rate(_ count: Int) -> String {
            seconds >= 0.05 ? ", \(HTMLPage.grouped(Int((Double(count) / seconds).rounded()))) letters/s" : ""
        }
        let counts = "\(HTMLPage.grouped(stats.letters(channel: .digital))) digital, "
            + "\(HTMLPage.grouped(stats.letters(channel: .print))) paper; "
            + "\(HTMLPage.grouped(stats.totalRejected)) rejected, \(HTMLPage.grouped(stats.totalSkipped)) skipped"
        switch outcome {
        case .completed:
            let resumed = resumed ? "; resumed, \(HTMLPage.grouped(lettersAlreadyDone)) were already there" : ""
            return "wrote \(HTMLPage.grouped(lettersWritten)) letter\(lettersWritten == 1 ? "" : "s") "
                + "(\(counts)\(resumed)) \(time)\(rate(lettersWritten)), into \(spool)"
        case .alreadyComplete:
            return "nothing new: \(spool) already holds all \(HTMLPage.grouped(lettersAlreadyDone)) letters of this "
                + "input (\(counts)); checked \(time)"
        case .dryRun:
            return "dry run: rendered \(HTMLPage.grouped(stats.totalLetters)) letters (\(counts)) \(time)"
                + "\(rate(stats.totalLetters)); nothing was written"
        case .interrupted(let signal):
            return "stopped by signal \(signal) after \(HTMLPage.grouped(lettersWritten)) letters \(time); "
                + "run the same command again to finish"
        }
    }

    /// The note on letters the fast renderer handed to the reference renderer, or `nil`
    /// when there were none. It says that nothing needs doing: those letters are the
    /// reference renderer's, which is the one the fast renderer is checked against.
    public var fallbackNote: String? {
        guard fallbacks > 0 else { return nil }
        return "note: \(HTMLPage.grouped(fallbacks)) letter\(fallbacks == 1 ? " was" : "s were") rendered by the "
            + "reference renderer (text the fast renderer does not draw); they are correct, nothing to do"
    }

    /// The note on recorded batches found damaged and written again, or `nil`.
    public var repairNote: String? {
        guard repairedBatches > 0 else { return nil }
        return "repaired \(repairedBatches) recorded batch\(repairedBatches == 1 ? "" : "es") whose files were "
            + "missing or damaged (\(repairs)): written again"
    }
}
