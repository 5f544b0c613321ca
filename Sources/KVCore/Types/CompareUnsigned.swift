/// Unsigned lexicographic order of byte strings: -1, 0 or 1 (a proper prefix is smaller).
func compareUnsigned(_ left: [UInt8], _ right: [UInt8]) -> Int {
    for index in 0..<min(left.count, right.count) where left[index] != right[index] {
        return left[index] < right[index] ? -1 : 1
    }
    return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
}
