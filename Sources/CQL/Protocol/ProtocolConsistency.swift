import KVCore

/// The protocol's `[consistency]` codes: the store's own `ConsistencyLevel`, whose raw values
/// are the wire codes.
public typealias ProtocolConsistency = ConsistencyLevel
