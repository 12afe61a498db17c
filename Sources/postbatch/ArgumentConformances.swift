public import ArgumentParser
public import PostbatchKit

extension ReportFormat: ExpressibleByArgument {}
