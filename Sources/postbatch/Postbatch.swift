import ArgumentParser

@main
struct Postbatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postbatch",
        abstract: "Batch pipeline for the NemID → MitID letters through Danish Digital Post.",
        version: "0.1.0",
        subcommands: []
    )
}
