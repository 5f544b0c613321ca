extension Gossiper {
    /// Sets one of this node's application states under a new version; peers learn it in
    /// the next rounds. Setting the same value again still spreads a new version.
    /// Requires `value` within `maxValueBytes`, and at most `maxApplicationStatesPerEndpoint`
    /// keys in all: peers would refuse the messages carrying more.
    public mutating func setApplicationState(_ key: ApplicationStateKey, _ value: String) {
        precondition(value.utf8.count <= configuration.maxValueBytes,
                     "\(key) value of \(value.utf8.count) bytes exceeds maxValueBytes \(configuration.maxValueBytes)")
        let version = nextLocalVersion()
        endpointStates[localEndpoint]!.applicationStates[key] = VersionedValue(value: value, version: version)
        precondition(localState.applicationStates.count <= configuration.maxApplicationStatesPerEndpoint,
                     "more application states than maxApplicationStatesPerEndpoint")
    }

    /// Sets several states, each under its own new version, in key order.
    public mutating func setApplicationStates(_ states: [ApplicationStateKey: String]) {
        for (key, value) in states.sorted(by: { $0.key < $1.key }) { setApplicationState(key, value) }
    }

    /// Sets this node's `status`.
    public mutating func setStatus(_ status: NodeStatus) {
        setApplicationState(.status, status.value)
    }

    /// Announces that this node is handing off its ranges (`LEAVING`).
    public mutating func announceLeaving() {
        setStatus(.leaving)
    }

    /// Announces that this node has left the ring (`LEFT`), to be dropped by every node
    /// `leftExpiryMs` after `nowMillis`. The shell keeps ticking for a few rounds (Cassandra
    /// waits its 30 s ring delay) so the news spreads, then stops gossip.
    public mutating func leave(nowMillis: Int64) {
        setStatus(.left(expiryMillis: nowMillis + configuration.leftExpiryMs))
    }

    /// Announces a clean stop: status `shutdown`, and a `Shutdown` message (carrying that
    /// state) to every live peer so they mark this node down at once. The shell sends the
    /// returned messages and then stops ticking.
    public mutating func shutdown() -> [GossipAction] {
        setStatus(.shutdown)
        let message = GossipMessage.shutdown(GossipShutdown(state: localState))
        return liveEndpoints.map { .send(message, to: $0) }
    }

    /// Bumps the heartbeat: called once per round.
    mutating func beatHeart() {
        let version = nextLocalVersion()
        endpointStates[localEndpoint]!.heartbeat.version = version
    }

    /// Draws the next version of the counter shared by the heartbeat and the states.
    mutating func nextLocalVersion() -> Int64 {
        localVersion += 1
        return localVersion
    }
}
