/// Everything gossip knows about one endpoint: its heartbeat and its application states.
///
/// In a message an `EndpointState` may be a delta: the heartbeat (always present, it carries
/// the generation) plus only the states newer than what the receiver has.
public struct EndpointState: Hashable, Sendable {
    /// The generation and the latest heartbeat version.
    public var heartbeat: HeartbeatState
    /// The application states known, each with the version its owner gave it.
    public var applicationStates: [ApplicationStateKey: VersionedValue]

    /// A state with the given heartbeat and application states.
    public init(heartbeat: HeartbeatState, applicationStates: [ApplicationStateKey: VersionedValue] = [:]) {
        self.heartbeat = heartbeat
        self.applicationStates = applicationStates
    }

    /// The highest version among the heartbeat and the application states: what a digest
    /// advertises. O(number of states).
    public var maxVersion: Int64 {
        applicationStates.values.reduce(heartbeat.version) { max($0, $1.version) }
    }

    /// The value of `key`, if known.
    public subscript(key: ApplicationStateKey) -> String? { applicationStates[key]?.value }

    /// The parsed `status` state; nil when absent or not understood.
    public var status: NodeStatus? { self[.status].flatMap(NodeStatus.init(value:)) }

    /// True when the status says the node is gone or stopping (see `NodeStatus.isDead`).
    public var isInDeadState: Bool { status?.isDead ?? false }

    /// True when the node has announced ring tokens (a ring member rather than a
    /// gossip-only participant).
    public var hasTokens: Bool { !(self[.tokens] ?? "").isEmpty }

    /// The part of this state newer than `version`: the heartbeat and every application
    /// state with a larger version; nil when nothing is newer.
    public func delta(newerThan version: Int64) -> EndpointState? {
        let newer = applicationStates.filter { $0.value.version > version }
        guard heartbeat.version > version || !newer.isEmpty else { return nil }
        return EndpointState(heartbeat: heartbeat, applicationStates: newer)
    }

    /// The application states whose values or versions differ from `other`'s, in key order.
    func changedStates(comparedTo other: EndpointState) -> [(ApplicationStateKey, VersionedValue)] {
        applicationStates.filter { other.applicationStates[$0.key] != $0.value }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
    }
}
