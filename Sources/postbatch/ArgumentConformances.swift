public import ArgumentParser
public import Logging
public import PostbatchKit

extension ReportFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}
extension ConsoleLogHandler.Format: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
