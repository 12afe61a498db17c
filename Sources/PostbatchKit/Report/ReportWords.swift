/// The words of the HTML report in one language: headings, labels, the five groups in
/// plain language, and every skip and reject reason in words (with what to fix).
///
/// The page's layout is the template's (`templates/report/report.mustache`); the words are
/// here, so that a test can check that every reason code has words in both languages.
struct ReportWords: Sendable {
    /// Headings and labels, by the key the template uses (`title`, `h_groups`, …).
    let labels: [String: String]
    /// What a group's letter asks of the person, by group.
    let groups: [LetterGroup: String]
    /// A skip reason in words, by CPR status (`90` → `død`).
    let statuses: [Int: String]
    /// A reject reason in words and what to fix, by code.
    let rejections: [ClassificationError.Code: (reason: String, fix: String)]
    /// `anden status` / `other status`: a status without words of its own.
    let otherStatus: String

    /// The words of `language`.
    static func of(_ language: Language) -> ReportWords {
        language == .da ? danish : english
    }

    /// A skip reason (`status_90`) in words: `død`.
    func skipReason(_ code: String) -> String {
        guard code.hasPrefix("status_"), let status = Int(code.dropFirst("status_".count)) else { return code }
        return statuses[status] ?? "\(otherStatus) \(code.dropFirst("status_".count))"
    }

    static let danish = ReportWords(
        labels: [
            "title": "Breve om skiftet fra NemID til MitID: statistik",
            "input": "Input", "facts": "Kørslen", "when": "Tidspunkt", "input_file": "Inputfil",
            "size": "Størrelse", "bytes": "byte", "sha256": "SHA-256", "campaign": "Kampagne",
            "template_version": "Skabelonversion", "letters_written": "Breve skrevet", "containers": "Containere",
            "fallbacks": "Tegnet af referencerenderen (dette forsøg)", "duration": "Varighed (dette forsøg)", "version": "postbatch-version",
            "spool": "Spool",
            "h_conservation": "Hver post ender ét sted", "records": "poster", "digital": "digitalt",
            "print": "papir", "skipped": "sprunget over", "rejected": "afvist",
            "adds_up": "Tallene går op.",
            "does_not_add_up": "Tallene går ikke op. Send ikke denne kørsel; meld det som en fejl.",
            "h_groups": "Breve pr. gruppe", "letters": "breve",
            "h_dates": "Breve pr. dato", "date": "dato", "share": "andel", "no_letters": "ingen breve",
            "paper_day": "papirdag", "digital_day": "digital bølge",
            "h_languages": "Breve pr. sprog", "language": "sprog", "da": "dansk", "en": "engelsk",
            "h_rejected": "Afviste poster", "rejected_note": "Ugyldige poster: ret dem i udtrækket, og kør dem igen.",
            "h_skipped": "Sprunget over", "skipped_note": "Gyldige poster, der ikke får brev på grund af CPR-status.",
            "reason": "årsag", "fix": "sådan rettes det", "of_records": "af posterne", "none": "ingen",
            "h_warnings": "Advarsler",
            "mod11_note": "CPR-numre, der ikke består modulus 11-kontrollen. Ikke en fejl: numre udstedt siden 2007 kan gøre det.",
            "footer": "Lavet af postbatch; de samme tal som --format json. Ingen CPR-numre, navne eller adresser i rapporten.",
        ],
        groups: [
            .bank: "Banken giver besked", .bankUpdate: "Opdatér ID i nøgleappen, så giver banken besked",
            .mitidDK: "Bestil selv MitID på MitID.dk", .mitidDKUpdate: "Opdatér ID i nøgleappen, og bestil MitID",
            .citizenService: "Få MitID i Borgerservice",
        ],
        statuses: [10: "reserveret", 30: "annulleret", 50: "slettet", 60: "ændret personnummer", 70: "forsvundet",
                   90: "død"],
        rejections: [
            .malformedRow: ("forkert antal felter", "tjek skilletegn og anførselstegn i rækken"),
            .invalidCPR: ("CPR-nummeret er ikke 10 cifre", "ret CPR-nummeret i udtrækket"),
            .invalidCPRDate: ("CPR-nummeret angiver en dag, der ikke findes", "ret CPR-nummeret i udtrækket"),
            .missingName: ("navnet mangler", "udfyld navnet"),
            .invalidName: ("navnet er for langt eller har styretegn", "ret navnet (højst 130 tegn)"),
            .invalidBoolean: ("et ja/nej-felt kan ikke læses", "brug ja eller nej (eller 1/0, true/false)"),
            .invalidStatus: ("CPR-status er ikke en kode på to cifre", "ret statusfeltet"),
            .invalidLanguage: ("ukendt sprog", "brug da eller en"),
            .invalidCountry: ("ukendt land", "brug landets ISO-kode"),
            .duplicateCPR: ("samme person to gange", "fjern den senere række; den første får brevet"),
            .missingAddress: ("adressen mangler (papirbrev)", "udfyld gade, postnummer og by"),
            .invalidPostalCode: ("postnummeret passer ikke til landet", "ret postnummeret"),
            .addressTooLong: ("adressen fylder mere end 6 linjer à 34 tegn", "forkort adressen eller c/o-linjen"),
        ],
        otherStatus: "anden status")

    static let english = ReportWords(
        labels: [
            "title": "Letters on the move from NemID to MitID: statistics",
            "input": "Input", "facts": "The run", "when": "When", "input_file": "Input file",
            "size": "Size", "bytes": "bytes", "sha256": "SHA-256", "campaign": "Campaign",
            "template_version": "Template version", "letters_written": "Letters written", "containers": "Containers",
            "fallbacks": "Drawn by the reference renderer (this attempt)", "duration": "Duration (this attempt)", "version": "postbatch version",
            "spool": "Spool",
            "h_conservation": "Every record ends in one outcome", "records": "records", "digital": "digital",
            "print": "paper", "skipped": "skipped", "rejected": "rejected",
            "adds_up": "The counts add up.",
            "does_not_add_up": "The counts do not add up. Do not send this batch; report it as a bug.",
            "h_groups": "Letters by group", "letters": "letters",
            "h_dates": "Letters by date", "date": "date", "share": "share", "no_letters": "no letters",
            "paper_day": "paper day", "digital_day": "digital wave",
            "h_languages": "Letters by language", "language": "language", "da": "Danish", "en": "English",
            "h_rejected": "Rejected", "rejected_note": "Invalid records: fix them in the export and run them again.",
            "h_skipped": "Skipped", "skipped_note": "Valid records that get no letter because of their CPR status.",
            "reason": "reason", "fix": "what to fix", "of_records": "of records", "none": "none",
            "h_warnings": "Warnings",
            "mod11_note": "CPR numbers that fail the modulus-11 check. Not an error: numbers issued since 2007 may.",
            "footer": "Made by postbatch; the same numbers as --format json. No CPR numbers, names or addresses appear in this report.",
        ],
        groups: [
            .bank: "The bank will tell them", .bankUpdate: "Update ID in the key app, then the bank tells them",
            .mitidDK: "Get MitID yourself at MitID.dk", .mitidDKUpdate: "Update ID in the key app, then get MitID",
            .citizenService: "Get MitID at a citizen service centre",
        ],
        statuses: [10: "reserved", 30: "annulled", 50: "deleted", 60: "changed CPR number", 70: "disappeared",
                   90: "dead"],
        rejections: [
            .malformedRow: ("wrong number of fields", "check the delimiters and quotes in the row"),
            .invalidCPR: ("the CPR number is not 10 digits", "correct the CPR number in the export"),
            .invalidCPRDate: ("the CPR number names a day that does not exist", "correct the CPR number in the export"),
            .missingName: ("the name is missing", "fill in the name"),
            .invalidName: ("the name is too long or holds control characters", "correct the name (at most 130 characters)"),
            .invalidBoolean: ("a yes/no field cannot be read", "use yes or no (or 1/0, true/false)"),
            .invalidStatus: ("the CPR status is not a two-digit code", "correct the status field"),
            .invalidLanguage: ("unknown language", "use da or en"),
            .invalidCountry: ("unknown country", "use the country's ISO code"),
            .duplicateCPR: ("the same person twice", "remove the later row; the first one gets the letter"),
            .missingAddress: ("the address is missing (paper letter)", "fill in street, postcode and city"),
            .invalidPostalCode: ("the postcode does not fit the country", "correct the postcode"),
            .addressTooLong: ("the address needs more than 6 lines of 34 characters", "shorten the address or the c/o line"),
        ],
        otherStatus: "other status")
}
