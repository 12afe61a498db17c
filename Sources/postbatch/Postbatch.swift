import ArgumentParser

@main
struct Postbatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postbatch",
        abstract: "Sends the NemID → MitID letters through Danish Digital Post, or on paper.",
        discussion: """
            Reads a CSV of former NemID users, checks every record, puts each person in one of \
            five letter groups, renders the group's letter as a PDF and writes one XML envelope \
            per letter into a delivery spool.
            """,
        version: "0.1.0",
        subcommands: [StatsCommand.self, VerifyCommand.self, GenerateCommand.self]
    )
}
