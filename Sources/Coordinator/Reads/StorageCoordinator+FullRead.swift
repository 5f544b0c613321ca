import KVCore
import Messaging
import Synchronization

/// Full-data reads, and how one replica is asked for data or a digest. Range reads, and
/// single-partition reads after a digest mismatch, ask replicas for their data, reconcile
/// the answers (`ReadReconciler`) and repair the replicas that differ before answering.
extension StorageCoordinator {
    /// Sends `command` for full data to `targets` (default: as many candidates as the level
    /// needs), replacing any that fails with the next candidate, and reconciles the answers,
    /// repairing replicas that differ.
    func read(_ command: ReadCommand, from selection: ReplicaSelection, targets: [HostID]? = nil,
              consistency: ConsistencyLevel, view: ClusterView) async throws(CoordinatorError) -> ReadResponse {
        let payload = ReplicaMessageCodec.encode(command)
        let outcome = await withTaskGroup(of: (HostID, Result<ReadResponse, ReadFailure>)?.self) { group in
            var unused = selection.candidates
            func start(_ replica: HostID) {
                unused.removeAll { $0 == replica }
                group.addTask { (replica, await self.fetchData(command, payload: payload, from: replica, view: view)) }
            }
            for replica in targets ?? selection.initialReadTargets { start(replica) }
            if let delay = speculativeDelay(), !unused.isEmpty {
                // Speculative retry: if the level is not met by then, ask one more replica.
                group.addTask { [sleepClock] in
                    try? await sleepClock.sleep(for: delay)
                    return nil
                }
            }
            var answered: [HostID] = []
            var responses: [ReadResponse] = []
            var failures: [ReadFailure] = []
            for await event in group {
                guard let (replica, result) = event else {
                    if !Task.isCancelled, !selection.isSatisfied(by: answered), let next = unused.first {
                        speculativeRetries.wrappingAdd(1, ordering: .relaxed)
                        start(next)
                    }
                    continue
                }
                switch result {
                case .success(let response):
                    responses.append(response)
                    answered.append(replica)
                case .failure(let failure):
                    failures.append(failure)
                    // Replace it, from its own datacenter when EACH_QUORUM needs that.
                    let datacenter = view.datacenter(of: replica)
                    if let next = unused.first(where: { view.datacenter(of: $0) == datacenter }) ?? unused.first {
                        start(next)
                    }
                }
                if selection.isSatisfied(by: answered) { break }
            }
            group.cancelAll()
            return (responses, failures, selection.isSatisfied(by: answered), answered)
        }
        guard outcome.2 else {
            throw Self.readError(consistency, received: outcome.0.count, blockFor: selection.blockFor,
                                 failures: outcome.1, dataPresent: !outcome.0.isEmpty)
        }
        let merged = ReadReconciler.merge(outcome.0)
        if outcome.0.count > 1 {
            try await repair(Array(zip(outcome.3, outcome.0)), toMatch: merged, table: command.table,
                             consistency: consistency, blockFor: selection.blockFor, view: view)
        }
        return merged
    }

    /// Blocking read repair (DESIGN §6): each replica whose answer differs from the
    /// reconciled one is sent the reconciled partitions it lacks, and the read answers only
    /// once they are applied, so a later QUORUM read cannot see older data than this one.
    private func repair(_ answers: [(HostID, ReadResponse)], toMatch merged: ReadResponse, table: TableID,
                        consistency: ConsistencyLevel, blockFor: Int, view: ClusterView) async throws(CoordinatorError) {
        var repairs: [(HostID, [Mutation])] = []
        for (replica, response) in answers {
            let stale = ReadReconciler.partitionsDiffering(response, from: merged)
            if !stale.isEmpty { repairs.append((replica, stale.map { Mutation(table: table, update: $0) })) }
        }
        guard !repairs.isEmpty else { return }
        readRepairs.wrappingAdd(repairs.count, ordering: .relaxed)
        let failed = await withTaskGroup(of: Bool.self) { group -> Bool in
            for (replica, mutations) in repairs {
                for mutation in mutations {
                    group.addTask {
                        await self.send(mutation, payload: ReplicaMessageCodec.encode(mutation), to: replica, view: view) != nil
                    }
                }
            }
            for await failed in group where failed { return true }
            return false
        }
        // A repair that does not complete leaves the read unconfirmed, as a timeout would.
        if failed { throw .readTimeout(consistency, received: blockFor - 1, blockFor: blockFor, dataPresent: true) }
    }

    /// How many replicas reads have repaired since start.
    public var readRepairCount: Int { readRepairs.load(ordering: .relaxed) }

    /// Why a read failed: a failure when some replica answered with an error, else a timeout.
    static func readError(_ consistency: ConsistencyLevel, received: Int, blockFor: Int, failures: [ReadFailure],
                          dataPresent: Bool) -> CoordinatorError {
        let real = failures.filter { !$0.isTimeout }
        if let first = real.first {
            return .readFailure(consistency, received: received, blockFor: blockFor, failures: real.count,
                                reason: first.reason)
        }
        return .readTimeout(consistency, received: received, blockFor: blockFor, dataPresent: dataPresent)
    }

    struct ReadFailure: Error {
        var reason: String
        var isTimeout: Bool
    }

    /// `fetch` for a full-data read, where a digest answer is a protocol error.
    private func fetchData(_ command: ReadCommand, payload: [UInt8], from replica: HostID,
                           view: ClusterView) async -> Result<ReadResponse, ReadFailure> {
        switch await fetch(command, payload: payload, from: replica, view: view) {
        case .success(.data(let response)): .success(response)
        case .success(.digest): .failure(ReadFailure(reason: "a digest answer to a data read from \(replica)", isTimeout: false))
        case .failure(let failure): .failure(failure)
        }
    }

    /// Asks `replica` (this node directly) for data or, for a digest-only `command`, a digest;
    /// `payload` is `command` encoded. A remote answer's round trip joins `readLatencies`.
    func fetch(_ command: ReadCommand, payload: [UInt8], from replica: HostID,
               view: ClusterView) async -> Result<ReadReply, ReadFailure> {
        if replica == view.localHost {
            do {
                let response = try storage.read(command.digestOnly(false))
                return .success(command.isDigestOnly ? .digest(.of(response)) : .data(response))
            } catch {
                return .failure(ReadFailure(reason: "\(error)", isTimeout: false))
            }
        }
        guard let address = view.addresses[replica] else {
            return .failure(ReadFailure(reason: "no address for \(replica)", isTimeout: true))
        }
        do {
            let verb: Verb = if case .partition = command.selection { .read } else { .rangeRead }
            let startedNanos = clock.monotonicNanos()
            let bytes = try await transport.request(payload, verb: verb, to: address)
            recordReadLatency(startedNanos: startedNanos, endedNanos: clock.monotonicNanos())
            return .success(try ReplicaMessageCodec.decodeReadReply(bytes))
        } catch let error as MessagingError {
            let reason = Self.describe(error)
            return .failure(ReadFailure(reason: reason, isTimeout: reason.hasPrefix(Self.timedOut)))
        } catch {
            return .failure(ReadFailure(reason: "bad read response from \(address): \(error)", isTimeout: false))
        }
    }
}
