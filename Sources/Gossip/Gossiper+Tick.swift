extension Gossiper {
    /// One gossip round, every `gossipIntervalMs`.
    ///
    /// Bumps the local heartbeat and sends one Syn with this node's digests to, following
    /// Cassandra's `GossipTask`:
    /// 1. a random live peer;
    /// 2. with probability unreachable / (live + 1), a random unreachable peer, to notice
    ///    when it is back;
    /// 3. if the live peer was not a seed, or fewer peers are live than there are seeds, a
    ///    random seed — always when no peer is live, else with probability
    ///    seeds / (live + unreachable) — so that separate groups of nodes meet at the seeds.
    ///
    /// Then checks every peer: marks down those whose phi exceeds the threshold (unless this
    /// node itself just paused), drops `LEFT` endpoints past their expiry and tokenless ones
    /// silent too long, and ends quarantines that have run their course.
    public mutating func tick(nowMillis: Int64) -> [GossipAction] {
        beatHeart()
        let syn = GossipMessage.syn(makeSyn())
        var actions = chooseSynTargets().map { GossipAction.send(syn, to: $0) }
        checkStatus(nowMillis: nowMillis, into: &actions)
        return actions
    }

    /// The targets of this round's Syn, without duplicates.
    func chooseSynTargets() -> [GossipEndpoint] {
        let live = liveEndpoints
        let unreachable = unreachableEndpoints
        var targets: [GossipEndpoint] = []
        if let peer = randomElement(of: live) { targets.append(peer) }
        let gossipedToSeed = targets.first.map { seeds.contains($0) } ?? false
        let unreachableProbability = Double(unreachable.count) / Double(live.count + 1)
        if !unreachable.isEmpty, random.chance(unreachableProbability), let peer = randomElement(of: unreachable) {
            targets.append(peer)
        }
        if !gossipedToSeed || live.count < seeds.count,
           let seed = maybeChooseSeed(liveCount: live.count, unreachableCount: unreachable.count),
           !targets.contains(seed) {
            targets.append(seed)
        }
        return targets
    }

    /// Cassandra's `maybeGossipToSeed`: a seed always when nothing is live, otherwise with
    /// probability seeds / (live + unreachable).
    func maybeChooseSeed(liveCount: Int, unreachableCount: Int) -> GossipEndpoint? {
        guard !seeds.isEmpty else { return nil }
        if liveCount == 0 { return randomElement(of: seeds) }
        let probability = Double(seeds.count) / Double(liveCount + unreachableCount)
        return random.chance(probability) ? randomElement(of: seeds) : nil
    }

    /// This node's digests: its own first, then every other endpoint in order. When they do
    /// not all fit in `maxMessageSizeBytes`, the others are shuffled first so that each round
    /// covers a different subset.
    func makeSyn() -> GossipSyn {
        var others = sortedEndpoints.filter { $0 != localEndpoint }
        let endpoints = [localEndpoint] + others
        var digests = endpoints.map(digest(of:))
        var budget = MessageBudget(configuration: configuration)
        budget.reserve(GossipWire.stringSize(configuration.clusterName))
        if !budget.fitsAll(digests.map(GossipWire.digestSize)) {
            shuffle(&others)
            digests = ([localEndpoint] + others).map(digest(of:))
            digests = Array(digests.prefix(budget.countFitting(digests.map(GossipWire.digestSize))))
        }
        return GossipSyn(clusterName: configuration.clusterName, digests: digests)
    }

    func digest(of endpoint: GossipEndpoint) -> GossipDigest {
        let state = endpointStates[endpoint]!
        return GossipDigest(endpoint: endpoint, generation: state.heartbeat.generation, maxVersion: state.maxVersion)
    }

    /// Fisher-Yates with the injected random source.
    func shuffle(_ endpoints: inout [GossipEndpoint]) {
        guard endpoints.count > 1 else { return }
        for index in stride(from: endpoints.count - 1, to: 0, by: -1) {
            endpoints.swapAt(index, random.next(in: 0..<(index + 1)))
        }
    }

    /// Convicts, evicts and ends quarantines (the second half of `tick`).
    mutating func checkStatus(nowMillis: Int64, into actions: inout [GossipAction]) {
        let mayConvict = noteTickAndCheckPause(nowMillis: nowMillis)
        for endpoint in sortedEndpoints where endpoint != localEndpoint {
            if mayConvict && liveSet.contains(endpoint) && failureDetector.isConvicted(endpoint, nowMillis: nowMillis) {
                markDown(endpoint, nowMillis: nowMillis, into: &actions)
            }
            if shouldEvict(endpoint, nowMillis: nowMillis) {
                evict(endpoint, nowMillis: nowMillis, into: &actions)
            }
        }
        quarantinedSinceMillis = quarantinedSinceMillis.filter { nowMillis - $0.value <= configuration.quarantineDelayMs }
    }

    /// Records this tick's time; false while convictions are suspended because this node
    /// itself paused (ticks further apart, or jumping back, by more than the tolerance):
    /// after a pause, silence is ours, not the peers'.
    mutating func noteTickAndCheckPause(nowMillis: Int64) -> Bool {
        let tolerance = configuration.localPauseToleranceMs
        if let last = lastTickMillis, abs(nowMillis - last) > tolerance { lastLocalPauseMillis = nowMillis }
        lastTickMillis = nowMillis
        guard let pause = lastLocalPauseMillis else { return true }
        return nowMillis - pause >= tolerance
    }

    /// True for a `LEFT` endpoint whose expiry has passed, and for a down endpoint without
    /// tokens that has been silent longer than `silentTokenlessEvictionMs`. A token owner
    /// that is merely down stays: dropping it would silently move its ranges.
    func shouldEvict(_ endpoint: GossipEndpoint, nowMillis: Int64) -> Bool {
        guard let state = endpointStates[endpoint] else { return false }
        if case .left(let expiryMillis) = state.status, nowMillis > expiryMillis { return true }
        guard !liveSet.contains(endpoint), !state.hasTokens else { return false }
        let silentMs = nowMillis - (lastHeardMillis[endpoint] ?? nowMillis)
        return silentMs > configuration.silentTokenlessEvictionMs
    }
}
