internal import CArchive

/// libarchive's text for its last error, with the `errno` it recorded.
func errorText(_ archive: OpaquePointer) -> String {
    let text = archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    let code = archive_errno(archive)
    return code > 0 ? "\(text), \(SpoolError.describe(errno: code))" : text
}
