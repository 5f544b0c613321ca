extension Gossiper {
    /// Handles a message from `sender` (the peer's `GossipEndpoint`, as the transport knows
    /// it) at `nowMillis`:
    /// - Syn: answers with an Ack holding what the sender lacks (newer deltas of endpoints it
    ///   mentioned, full states of endpoints it did not) and requests for what this node
    ///   lacks; nothing when there is neither, or when the cluster name differs.
    /// - Ack: applies its states, answers with an Ack2 holding the requested states.
    /// - Ack2: applies its states.
    /// - Shutdown: applies the sender's final state and marks it down.
    /// Applying states yields `joined`, `restarted`, `stateChanged`, `markedUp`/`markedDown`.
    public mutating func receive(_ message: GossipMessage, from sender: GossipEndpoint, nowMillis: Int64) -> [GossipAction] {
        switch message {
        case .syn(let syn):
            return answer(syn, from: sender)
        case .ack(let ack):
            var actions = apply(ack.states, nowMillis: nowMillis)
            let ack2 = makeAck2(answering: ack.requests)
            if !ack2.states.isEmpty { actions.append(.send(.ack2(ack2), to: sender)) }
            return actions
        case .ack2(let ack2):
            return apply(ack2.states, nowMillis: nowMillis)
        case .shutdown(let shutdown):
            return applyShutdown(shutdown, from: sender, nowMillis: nowMillis)
        }
    }

    /// Cassandra's `examineGossiper`, plus a push of every endpoint the Syn did not mention
    /// (its sender has never heard of them), which spares a newcomer a round per endpoint.
    func answer(_ syn: GossipSyn, from sender: GossipEndpoint) -> [GossipAction] {
        guard syn.clusterName == configuration.clusterName else { return [] }
        var requests: [GossipDigest] = []
        var deltas: [(GossipEndpoint, EndpointState)] = []
        var mentioned: Set<GossipEndpoint> = []
        for digest in syn.digests where mentioned.insert(digest.endpoint).inserted && !isQuarantined(digest.endpoint) {
            examine(digest, requests: &requests, deltas: &deltas)
        }
        for endpoint in sortedEndpoints where !mentioned.contains(endpoint) {
            deltas.append((endpoint, endpointStates[endpoint]!))
        }
        guard !requests.isEmpty || !deltas.isEmpty else { return [] }
        return [.send(.ack(makeAck(requests: requests, deltas: deltas)), to: sender)]
    }

    /// Compares one remote digest with local knowledge: request what is newer there, send
    /// what is newer here. A larger generation asks for everything (version 0); a smaller
    /// one sends everything.
    func examine(_ digest: GossipDigest, requests: inout [GossipDigest], deltas: inout [(GossipEndpoint, EndpointState)]) {
        let endpoint = digest.endpoint
        guard let local = endpointStates[endpoint] else {
            requests.append(GossipDigest(endpoint: endpoint, generation: digest.generation, maxVersion: 0))
            return
        }
        let localGeneration = local.heartbeat.generation
        let localMaxVersion = local.maxVersion
        if digest.generation > localGeneration {
            // Nobody knows this node better than itself: a larger generation for us is bogus.
            guard endpoint != localEndpoint else { return }
            requests.append(GossipDigest(endpoint: endpoint, generation: digest.generation, maxVersion: 0))
        } else if digest.generation < localGeneration {
            deltas.append((endpoint, local))
        } else if digest.maxVersion > localMaxVersion && endpoint != localEndpoint {
            requests.append(GossipDigest(endpoint: endpoint, generation: digest.generation, maxVersion: localMaxVersion))
        } else if digest.maxVersion < localMaxVersion, let delta = local.delta(newerThan: digest.maxVersion) {
            deltas.append((endpoint, delta))
        }
    }

    /// An Ack with as many requests and then deltas, in order, as fit the message limits.
    func makeAck(requests: [GossipDigest], deltas: [(GossipEndpoint, EndpointState)]) -> GossipAck {
        var budget = MessageBudget(configuration: configuration)
        let requestCount = budget.countFitting(requests.map(GossipWire.digestSize))
        return GossipAck(requests: Array(requests.prefix(requestCount)), states: fill(&budget, with: deltas))
    }

    /// The Ack2 for an Ack's requests: for each, the local state newer than the requested
    /// version (everything for version 0, or when the requester's generation is older).
    func makeAck2(answering requests: [GossipDigest]) -> GossipAck2 {
        var deltas: [(GossipEndpoint, EndpointState)] = []
        var seen: Set<GossipEndpoint> = []
        for request in requests where seen.insert(request.endpoint).inserted && !isQuarantined(request.endpoint) {
            // A requester ahead of us (a generation we have not seen) cannot be helped.
            guard let local = endpointStates[request.endpoint], local.heartbeat.generation >= request.generation else {
                continue
            }
            if local.heartbeat.generation > request.generation || request.maxVersion == 0 {
                deltas.append((request.endpoint, local))
            } else if let delta = local.delta(newerThan: request.maxVersion) {
                deltas.append((request.endpoint, delta))
            }
        }
        var budget = MessageBudget(configuration: configuration)
        return GossipAck2(states: fill(&budget, with: deltas))
    }

    /// Takes deltas in order while they fit; later ones wait for a later round.
    func fill(_ budget: inout MessageBudget, with deltas: [(GossipEndpoint, EndpointState)]) -> [GossipEndpoint: EndpointState] {
        var states: [GossipEndpoint: EndpointState] = [:]
        for (endpoint, state) in deltas where states.count < budget.maxEntries {
            if budget.take(GossipWire.entrySize(endpoint, state)) { states[endpoint] = state }
        }
        return states
    }

    /// A peer stopping cleanly: take its final state (status `shutdown`) and mark it down
    /// now rather than after the failure detector's ~18 s. Ignored from unknown endpoints.
    mutating func applyShutdown(_ shutdown: GossipShutdown, from sender: GossipEndpoint, nowMillis: Int64) -> [GossipAction] {
        guard sender != localEndpoint, endpointStates[sender] != nil else { return [] }
        var actions = apply([sender: shutdown.state], nowMillis: nowMillis)
        markDown(sender, nowMillis: nowMillis, into: &actions)
        return actions
    }
}
