/// One application state's value with the version its owner stamped it with.
///
/// Versions come from the owner's single per-generation counter (shared with the heartbeat),
/// so a higher version is always the later write of that owner within a generation.
public struct VersionedValue: Hashable, Sendable {
    /// The value, in the key's string encoding (see `ApplicationStateKey`).
    public var value: String
    /// The owner's version counter when the value was set; never negative.
    public var version: Int64

    /// Memberwise.
    public init(value: String, version: Int64) {
        self.value = value
        self.version = version
    }
}
