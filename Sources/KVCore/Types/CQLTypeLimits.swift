/// Bounds on CQL values and types, in one place, so hostile or damaged bytes cannot make a
/// decoder allocate without limit or recurse without end.
public enum CQLTypeLimits {
    /// The most elements a list, set or map (entries) may hold when decoded.
    public static let maxCollectionElements = 1_048_576
    /// The deepest nesting of collections, tuples and UDTs inside one type
    /// (`list<list<int>>` has depth 2).
    public static let maxNestingDepth = 16
    /// The most fields a tuple or a UDT may declare.
    public static let maxTupleFields = 1_024
    /// The longest varint (and decimal unscaled value) accepted, in bytes.
    public static let maxVarintBytes = 65_536
    /// The most decimal digits of a decimal's unscaled value in an order-preserving key
    /// (a `maxVarintBytes` magnitude has at most 157,827 digits). Converting between bytes
    /// and digits is quadratic: about 0.3 s at this bound, microseconds for ordinary values.
    public static let maxDecimalDigits = 157_827
}
