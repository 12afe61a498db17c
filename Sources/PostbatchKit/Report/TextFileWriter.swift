/// Writes a text side file of a command (`stats --rejects`): private (0600), buffered,
/// and atomic: the file appears under its name only when ``close()`` succeeds.
///
/// Not thread-safe.
public final class TextFileWriter {
    private let file: PendingFile
    private var buffer: [UInt8] = []
    /// The path, for messages.
    public let path: String

    /// Starts the file (as a temporary file beside `path`).
    ///
    /// - Throws: ``SpoolError`` (`not_writable`, `io`, `invalid_name`) when it cannot be created.
    public init(path: String) throws(SpoolError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var writer = AtomicFileWriter(directory: directory)
        writer.syncFile = false
        file = try writer.begin(name: name)
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends text.
    public func write(_ text: String) throws(SpoolError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws(SpoolError) {
        guard !buffer.isEmpty else { return }
        do throws(SpoolError) {
            try file.write(buffer)
        } catch {
            file.abort()
            throw error
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the rest and puts the file in place.
    public func close() throws(SpoolError) {
        try flush()
        try file.commit()
    }

    /// Drops the file: nothing appears under ``path``.
    public func abort() {
        file.abort()
    }
}
