internal import Foundation

/// Writes text to a file through a buffer, created private (0600).
///
/// For the side files of a command (`stats --rejects`). Not thread-safe.
public final class TextFileWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// The path, for messages.
    public let path: String

    /// Creates or truncates the file.
    ///
    /// - Throws: ``InputError``-free: a Foundation error when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends text.
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try handle.close()
    }
}
