extension Gossiper {
    /// Merges endpoint states received from a peer (Cassandra's `applyStateLocally`), in
    /// endpoint order. Skipped: this node's own state (it alone writes it), quarantined
    /// endpoints, generations implausibly far in the future, and older generations.
    mutating func apply(_ states: [GossipEndpoint: EndpointState], nowMillis: Int64) -> [GossipAction] {
        var actions: [GossipAction] = []
        let maxGeneration = nowMillis / 1000 + configuration.maxGenerationAheadSeconds
        for (endpoint, remote) in states.sorted(by: { $0.key < $1.key }) {
            guard endpoint != localEndpoint, !isQuarantined(endpoint), remote.heartbeat.generation <= maxGeneration else {
                continue
            }
            guard let local = endpointStates[endpoint] else {
                join(endpoint, remote, nowMillis: nowMillis, into: &actions)
                continue
            }
            if remote.heartbeat.generation > local.heartbeat.generation {
                replace(endpoint, with: remote, nowMillis: nowMillis, into: &actions)
            } else if remote.heartbeat.generation == local.heartbeat.generation {
                merge(endpoint, remote, into: local, nowMillis: nowMillis, actions: &actions)
            }
        }
        return actions
    }

    /// A new endpoint: it starts up (and is reported to the detector) unless its status
    /// says it is gone or stopping.
    mutating func join(_ endpoint: GossipEndpoint, _ state: EndpointState, nowMillis: Int64, into actions: inout [GossipAction]) {
        addEndpoint(endpoint, state)
        lastHeardMillis[endpoint] = nowMillis
        actions.append(.joined(endpoint, state))
        if state.isInDeadState {
            downSinceMillis[endpoint] = nowMillis
        } else {
            failureDetector.report(endpoint, nowMillis: nowMillis)
            markUp(endpoint, into: &actions)
        }
    }

    /// A newer generation: the endpoint restarted, and its new state replaces the old one
    /// whole. Intervals learned before a downtime are forgotten, so the detector relearns
    /// the restarted node's rhythm.
    mutating func replace(_ endpoint: GossipEndpoint, with state: EndpointState, nowMillis: Int64, into actions: inout [GossipAction]) {
        endpointStates[endpoint] = state
        lastHeardMillis[endpoint] = nowMillis
        if !liveSet.contains(endpoint) { failureDetector.remove(endpoint) }
        failureDetector.report(endpoint, nowMillis: nowMillis)
        actions.append(.restarted(endpoint, state))
        updateLiveness(endpoint, heartbeatAdvanced: true, nowMillis: nowMillis, into: &actions)
    }

    /// The same generation: keep the larger heartbeat and, key by key, the value with the
    /// larger version. The result does not depend on the order deltas arrive in.
    mutating func merge(_ endpoint: GossipEndpoint, _ remote: EndpointState, into local: EndpointState, nowMillis: Int64,
                        actions: inout [GossipAction]) {
        var merged = local
        let heartbeatAdvanced = remote.heartbeat.version > local.heartbeat.version
        if heartbeatAdvanced { merged.heartbeat = remote.heartbeat }
        let newer = remote.applicationStates.filter { $0.value.version > (local.applicationStates[$0.key]?.version ?? -1) }
        for (key, value) in newer.sorted(by: { $0.key < $1.key }) {
            merged.applicationStates[key] = value
            actions.append(.stateChanged(endpoint, key, value))
        }
        guard heartbeatAdvanced || !newer.isEmpty else { return }
        endpointStates[endpoint] = merged
        lastHeardMillis[endpoint] = nowMillis
        if heartbeatAdvanced { failureDetector.report(endpoint, nowMillis: nowMillis) }
        updateLiveness(endpoint, heartbeatAdvanced: heartbeatAdvanced, nowMillis: nowMillis, into: &actions)
    }

    /// A dead status (`LEFT`, `shutdown`) marks an endpoint down; otherwise heartbeat
    /// progress marks a down endpoint up. Gossip that merely repeats old news does not, so
    /// a stopped node is not revived by peers that have not convicted it yet.
    mutating func updateLiveness(_ endpoint: GossipEndpoint, heartbeatAdvanced: Bool, nowMillis: Int64,
                                 into actions: inout [GossipAction]) {
        if endpointStates[endpoint]!.isInDeadState {
            markDown(endpoint, nowMillis: nowMillis, into: &actions)
        } else if heartbeatAdvanced {
            markUp(endpoint, into: &actions)
        }
    }
}
