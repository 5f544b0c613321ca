/// The Murmur3 token ring (all Int64 values) cut into equal slices, for scans that read a
/// table a slice at a time.
public enum TokenSlices {
    /// Slice `index` of `count` as (lower, upper], read as `token(k) > lower AND token(k) <=
    /// upper`. The slices are contiguous; the last ends at the largest token. The first
    /// starts after the smallest, a token Murmur3 never gives (Cassandra maps it to the
    /// largest). Requires 0 <= index < count.
    public static func slice(_ index: Int, of count: Int) -> (lower: Int64, upper: Int64) {
        precondition(count >= 1 && (0..<count).contains(index), "a slice of the ring")
        let step = UInt64.max / UInt64(count)
        let lower = Int64.min &+ Int64(bitPattern: step &* UInt64(index))
        let upper = index == count - 1 ? Int64.max : Int64.min &+ Int64(bitPattern: step &* UInt64(index + 1))
        return (lower, upper)
    }
}
