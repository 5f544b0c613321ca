extension ValueOrdering {
    /// The ordering whose sort keys order this type's values exactly as
    /// `CQLDataType.compare` does, so per-block bounds can prove a filter cannot match; nil
    /// for types without one. Text, ascii and blob order by bytes, and the fixed-width
    /// integers (tinyint, smallint, int, bigint, timestamp, time) by their sign-flipped
    /// bytes. Floating point is left out: its sort keys place a NaN with the sign bit set
    /// below -infinity, where `compare` places every NaN above +infinity. Booleans are left
    /// out too: every block holds both values.
    public init?(exactFor type: CQLDataType) {
        switch type {
        case .text, .ascii, .blob: self = .bytes
        case .tinyint, .smallint, .int, .bigint, .timestamp, .time: self = .signedInteger
        default: return nil
        }
    }
}
