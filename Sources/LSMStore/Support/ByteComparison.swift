#if canImport(Glibc)
import Glibc
#endif

/// Unsigned lexicographic comparison of byte strings: <0, 0 or >0.
@inline(__always)
func compareBytes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
    let common = min(left.count, right.count)
    if common > 0 {
        let result = memcmp(left.baseAddress!, right.baseAddress!, common)
        if result != 0 { return Int(result) }
    }
    return left.count - right.count
}

/// Compares two arrays bytewise.
func compareBytes(_ left: [UInt8], _ right: [UInt8]) -> Int {
    left.withUnsafeBytes { l in right.withUnsafeBytes { r in compareBytes(l, r) } }
}

/// Whether `bytes` starts with `prefix`.
@inline(__always)
func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= prefix.count else { return false }
    guard prefix.count > 0 else { return true }
    return memcmp(bytes.baseAddress!, prefix.baseAddress!, prefix.count) == 0
}
