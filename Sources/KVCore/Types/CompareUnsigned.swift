#if canImport(Glibc)
import Glibc
#endif

/// Unsigned lexicographic order of byte strings: -1, 0 or 1 (a proper prefix is smaller).
func compareUnsigned(_ left: [UInt8], _ right: [UInt8]) -> Int {
    for index in 0..<min(left.count, right.count) where left[index] != right[index] {
        return left[index] < right[index] ? -1 : 1
    }
    return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
}

/// The same order on bytes read in place.
func compareUnsigned(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
    let common = min(left.count, right.count)
    if common > 0 {
        let result = memcmp(left.baseAddress!, right.baseAddress!, common)
        if result != 0 { return result < 0 ? -1 : 1 }
    }
    return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
}
