// A Digital Post stand-in on loopback, for trying `postbatch deliver` by hand and for
// the delivery benchmark (scripts/bench-deliver.sh). Not part of the product.
//
//   dp-standin --certs DIR [--port N] [--schema MeMo_core.xsd] [--no-unpack] [--outcomes test]
//
// Makes a test CA and certificates in DIR (with openssl) unless they are there, prints
// the base URL, and serves until SIGINT or SIGTERM; then prints what it took, and its
// CPU time and the time spent unpacking containers (where the benchmark's time goes).
// `--outcomes test` answers receipts by the CPR's last digit as the tests do: 0
// NOT_ALLOWED, 1 INVALID, 2 and 3 COMPLETED after RECEIVED, the rest RECEIVED; without
// it every message is RECEIVED.
import DigitalPostStandIn
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func value(_ flag: String) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let certs = value("--certs") else {
    FileHandle.standardError.write(Data(
        "usage: dp-standin --certs DIR [--port N] [--schema XSD] [--no-unpack] [--outcomes test]\n".utf8))
    exit(2)
}

/// User and system CPU seconds of this process.
func cpuSeconds() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
}

do {
    let certificates = try TestCertificates.make(in: certs)
    var configuration = DigitalPostStandIn.Configuration(
        certificates: certificates, scratch: NSTemporaryDirectory() + "dp-standin-\(getpid())")
    configuration.memoSchemaPath = value("--schema")
    configuration.unpack = !arguments.contains("--no-unpack")
    if value("--outcomes") == "test" { configuration.outcome = RecipientOutcome.byLastDigit }
    let server = try await DigitalPostStandIn.start(configuration, port: Int(value("--port") ?? "0") ?? 0)
    FileHandle.standardOutput.write(Data(("\(server.baseURL)\n"
        + "system id: \(configuration.systemID)  secret: \(configuration.systemSecret)\n"
        + "client certificate: \(certificates.clientCertificatePath)  key: \(certificates.clientKeyPath)  "
        + "CA: \(certificates.caPath)\n").utf8))
    let (stop, continuation) = AsyncStream<Int32>.makeStream()
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        sources.append(source)
    }
    for await _ in stop { break }
    sources.forEach { $0.cancel() }
    let counts = server.acceptedCounts
    let cpu = cpuSeconds()
    let unpacking = server.postHandlingTime.components
    FileHandle.standardError.write(Data(("dp-standin: \(server.containersAccepted) container(s), "
        + "\(counts.count) message(s) taken, \(counts.values.filter { $0 > 1 }.count) taken more than once, "
        + "\(server.postRequests) POST request(s)\n"
        + String(format: "dp-standin: CPU %.2f s user + %.2f s system; unpacking took %.2f s (summed over connections)\n",
                 cpu.user, cpu.system, Double(unpacking.seconds) + Double(unpacking.attoseconds) / 1e18)).utf8))
    await server.shutdown()
} catch {
    FileHandle.standardError.write(Data("dp-standin: \(error)\n".utf8))
    exit(1)
}
