#if canImport(Glibc)
import Glibc
#endif

/// Where `kvcli segment` writes rows: a file it creates (or truncates), or standard output.
/// Text is written through C stdio's buffer, so a page of rows costs a few write(2) calls;
/// nothing is kept once written.
final class SegmentSink {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    /// What the rows go to, for messages.
    let name: String

    /// Opens `path` for writing, or standard output when nil.
    init(path: String?) throws {
        guard let path else {
            // A stream of our own on descriptor 1 (the C global is not concurrency-safe).
            guard let output = fdopen(STDOUT_FILENO, "w") else { throw SegmentError("cannot write standard output") }
            file = output
            ownsFile = false
            name = "standard output"
            return
        }
        guard let opened = fopen(path, "w") else {
            throw SegmentError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        file = opened
        ownsFile = true
        name = path
    }

    /// Appends `text`.
    func write(_ text: String) throws {
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == text.utf8.count else {
            throw SegmentError("cannot write \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes and closes (standard output is only flushed).
    func close() throws {
        let failed = ownsFile ? fclose(file) != 0 : fflush(file) != 0
        if failed { throw SegmentError("cannot write \(name): \(String(cString: strerror(errno)))") }
    }
}
