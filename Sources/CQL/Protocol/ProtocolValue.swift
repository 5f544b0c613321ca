/// A bound value in a request, the protocol's `[value]`.
public enum ProtocolValue: Sendable, Hashable {
    /// Length -1: the value is null.
    case null
    /// Length -2: the value is not set (the column keeps its current value).
    case notSet
    /// The serialized value.
    case bytes([UInt8])
}
