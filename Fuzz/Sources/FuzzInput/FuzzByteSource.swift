/// The fuzz build's stand-in for the main package's `ByteSource`
/// (Sources/PostbatchKit/Input/ByteSource.swift), with the same interface.
///
/// It reads the fuzzer's bytes from memory instead of a file, and returns them
/// in the read sizes the harness chose, so that chunk boundaries (which a file
/// only has every MiB) fall at every position of the small fuzz inputs: a
/// CR/LF pair, a BOM, a quote or a UTF-8 sequence split between two reads.
final class ByteSource {
    /// The bytes the next source serves. Set by the harness before each input.
    nonisolated(unsafe) static var input: [UInt8] = []
    /// The sizes of successive reads, cycled; empty: every read fills the buffer.
    nonisolated(unsafe) static var readSizes: [Int] = []

    let displayName: String
    private(set) var bytesRead: Int = 0
    private let observer: ((UnsafeRawBufferPointer) -> Void)?
    private let input: [UInt8]
    private let readSizes: [Int]
    private var reads = 0

    init(path: String, observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(InputError) {
        displayName = path
        self.observer = observer
        input = Self.input
        readSizes = Self.readSizes
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var count = min(buffer.count, input.count - bytesRead)
        if !readSizes.isEmpty {
            count = min(count, readSizes[reads % readSizes.count])
            reads += 1
        }
        guard count > 0 else { return 0 }
        input.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + bytesRead, byteCount: count)
        }
        bytesRead += count
        observer?(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        return count
    }
}
