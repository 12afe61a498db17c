import Foundation

/// A private test CA with a server and a client certificate, made with `openssl` at
/// test time (nothing is committed).
///
/// ```
/// ca.pem, ca.key               the test CA
/// server.pem, server.key       CN=localhost, SAN DNS:localhost, IP:127.0.0.1
/// client.pem, client.key       the sender's certificate, signed by the CA
/// rogue-ca.pem, rogue.pem, rogue.key   a client certificate of another CA (must be refused)
/// ```
public struct TestCertificates: Sendable {
    /// The folder holding the files.
    public let directory: String

    public var caPath: String { "\(directory)/ca.pem" }
    public var serverCertificatePath: String { "\(directory)/server.pem" }
    public var serverKeyPath: String { "\(directory)/server.key" }
    public var clientCertificatePath: String { "\(directory)/client.pem" }
    public var clientKeyPath: String { "\(directory)/client.key" }
    public var rogueCAPath: String { "\(directory)/rogue-ca.pem" }
    public var rogueCertificatePath: String { "\(directory)/rogue.pem" }
    public var rogueKeyPath: String { "\(directory)/rogue.key" }

    /// An error from `openssl`.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes the certificates in `directory` unless they are there already.
    ///
    /// - Throws: ``Failure`` when `openssl` is missing or fails.
    public static func make(in directory: String) throws -> TestCertificates {
        let certificates = TestCertificates(directory: directory)
        if FileManager.default.fileExists(atPath: certificates.rogueKeyPath) { return certificates }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let extensions = "\(directory)/server.ext"
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: URL(fileURLWithPath: extensions))
        let clientExtensions = "\(directory)/client.ext"
        try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: URL(fileURLWithPath: clientExtensions))
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=postbatch test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "server.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
             "-subj", "/CN=postbatch test sender/serialNumber=CVR:12345678"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "client.pem", "-days", "2", "-extfile", "client.ext"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue-ca.key", "-out", "rogue-ca.pem",
             "-days", "2", "-subj", "/CN=some other CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out", "rogue.csr", "-subj", "/CN=intruder"],
            ["x509", "-req", "-in", "rogue.csr", "-CA", "rogue-ca.pem", "-CAkey", "rogue-ca.key", "-CAcreateserial",
             "-out", "rogue.pem", "-days", "2", "-extfile", "client.ext"],
        ]
        for arguments in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let output = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: "
                              + String(decoding: output, as: UTF8.self))
            }
        }
        return certificates
    }
}
