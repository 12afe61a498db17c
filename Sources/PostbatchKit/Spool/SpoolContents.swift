internal import Glibc

/// What a spool folder holds that a postbatch run did not put there.
///
/// A run may delete a spool's contents (`--force-new-run`), but only what a spool is made
/// of: the root files and bookkeeping of ``SpoolLayout``, and under `digital/` and `print/`
/// date folders of batch folders of `<uuid>.xml` envelopes, `NNNN.tar.lzma` containers and
/// temporary files. Anything else is "in the way", and the run refuses to touch the folder.
enum SpoolContents {
    /// Paths (relative to `root`) of everything that is not spool-shaped; at most `limit`.
    static func foreignEntries(in root: String, limit: Int = 20) -> [String] {
        var found: [String] = []
        for name in entries(of: root) where !SpoolLayout.rootFiles.contains(name) && !SpoolLayout.bookkeeping.contains(name) {
            if Channel(rawValue: name) != nil, isDirectory(root + "/" + name) {
                foreignEntries(under: root, relative: name, depth: 1, into: &found, limit: limit)
            } else if !AtomicFileWriter.isTemporaryName(name) {
                found.append(name)
            }
            if found.count >= limit { break }
        }
        return Array(found.prefix(limit))
    }

    /// `digital/<date>/<NNNN>/<uuid>.xml` or `digital/<date>/<NNNN>.tar.lzma` (and temporaries).
    private static func foreignEntries(under root: String, relative: String, depth: Int, into found: inout [String],
                                       limit: Int) {
        for name in entries(of: root + "/" + relative) {
            guard found.count < limit else { return }
            let path = relative + "/" + name
            let folder = isDirectory(root + "/" + path)
            let expected: Bool = switch depth {
            case 1: folder && CalendarDate(iso: name) != nil
            case 2: folder ? isBatchNumber(name) : (isBatchNumber(name.dropLast(SpoolLayout.containerSuffix.count))
                                                    && name.hasSuffix(SpoolLayout.containerSuffix))
            default: !folder && name.hasSuffix(SpoolLayout.envelopeSuffix)
            }
            if AtomicFileWriter.isTemporaryName(name) && !folder { continue }
            if !expected {
                found.append(path + (folder ? "/" : ""))
            } else if folder {
                foreignEntries(under: root, relative: path, depth: depth + 1, into: &found, limit: limit)
            }
        }
    }

    private static func isBatchNumber(_ name: some StringProtocol) -> Bool {
        name.count >= 4 && name.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func entries(of folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
