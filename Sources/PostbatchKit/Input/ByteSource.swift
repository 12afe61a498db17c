#if canImport(Glibc)
internal import Glibc
#endif

/// Reads a file or standard input in fixed-size chunks, so memory does not grow
/// with the input.
///
/// Not thread-safe: one reader owns it.
final class ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Bytes served from memory instead of a file (the fuzz target), in reads of these sizes.
    private let memory: (bytes: [UInt8], readSizes: [Int])?
    private var reads = 0
    /// How the user named the input, for messages.
    let displayName: String
    /// Bytes read so far.
    private(set) var bytesRead: Int = 0
    /// Sees every byte read, in order: a run hashes and (for standard input) keeps the input.
    private let observer: ((UnsafeRawBufferPointer) -> Void)?
    /// Asked while standard input has nothing to read: `true` ends the input early, so a
    /// signal stops a run within a fraction of a second even when the producer is silent.
    var shouldStop: (() -> Bool)?

    /// Opens a file, or standard input when `path` is `-`.
    ///
    /// - Throws: ``InputError`` with code `unreadable` naming the file and the
    ///   system's reason when it cannot be opened or is a folder.
    init(path: String, observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(InputError) {
        self.observer = observer
        memory = nil
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
            displayName = "<stdin>"
            return
        }
        displayName = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(code: .unreadable, file: path, detail: "cannot open the input file",
                             cause: String(cString: strerror(errno)))
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(code: .unreadable, file: path, detail: "is a folder; expected a CSV file")
        }
        descriptor = fd
        ownsDescriptor = true
    }

    /// Serves `bytes` from memory, in reads of the given sizes (cycled; empty: as large as
    /// the buffer), so a test can put a chunk boundary at any byte.
    init(bytes: [UInt8], name: String, readSizes: [Int], observer: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        descriptor = -1
        ownsDescriptor = false
        displayName = name
        memory = (bytes, readSizes.filter { $0 > 0 })
        self.observer = observer
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Fills `buffer` from the start with up to `buffer.count` bytes.
    ///
    /// - Returns: the number of bytes read; 0 at the end of the input.
    /// - Throws: ``InputError`` `unreadable` when the system reports a read error.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let memory {
            return readMemory(memory.bytes, sizes: memory.readSizes, into: buffer)
        }
        if let shouldStop, !ownsDescriptor, !waitForInput(shouldStop) {
            return 0
        }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                bytesRead += count
                if let observer, count > 0 {
                    observer(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                }
                return count
            }
            if errno == EINTR { continue }
            throw InputError(code: .unreadable, file: displayName, detail: "reading the input failed",
                             cause: String(cString: strerror(errno)))
        }
    }

    private func readMemory(_ bytes: [UInt8], sizes: [Int], into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var count = min(buffer.count, bytes.count - bytesRead)
        if !sizes.isEmpty {
            count = min(count, sizes[reads % sizes.count])
            reads += 1
        }
        guard count > 0, let target = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { source in
            if let start = source.baseAddress { target.copyMemory(from: start + bytesRead, byteCount: count) }
        }
        bytesRead += count
        observer?(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        return count
    }

    /// Waits until standard input can be read, asking `shouldStop` every 200 ms.
    ///
    /// - Returns: `false` when `shouldStop` said to stop first.
    private func waitForInput(_ shouldStop: () -> Bool) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if shouldStop() { return false }
            let ready = poll(&request, 1, 200)
            if ready != 0 { return true }   // readable, closed, or an error the read will report
        }
    }
}
