#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting through the C library, so our result lines are byte for byte
/// db_bench's (`%-12s : %11.3f micros/op ...`). Output longer than 1 KiB is truncated.
func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 1024)
        _ = buffer.withUnsafeMutableBufferPointer { pointer in
            vsnprintf(pointer.baseAddress, pointer.count, format, list)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Writes a line to standard output now, unbuffered (a report must not sit in a buffer
/// if the engine crashes later).
func printNow(_ text: String) {
    writeAll(STDOUT_FILENO, text + "\n")
}

/// Writes a line to standard error.
func printError(_ text: String) {
    writeAll(STDERR_FILENO, text + "\n")
}

private func writeAll(_ descriptor: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
