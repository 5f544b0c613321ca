import KVCore

/// The decisions of the first round of a single-partition read (DESIGN §6): one replica is
/// asked for data, the others the level needs only for a digest of theirs; a failed replica
/// is replaced, a slow one speculated around, and the round is complete once the data and
/// enough answers are in.
///
/// A pure state machine: each event returns the requests to send, and the coordinator
/// (`StorageCoordinator+DigestRead`) performs them. Not thread-safe; one read owns it.
struct DigestReadRound {
    enum Request: Sendable, Equatable { case data, digest }

    /// One request to send.
    struct Ask: Sendable, Equatable {
        var replica: HostID
        var request: Request
    }

    private let selection: ReplicaSelection
    private let view: ClusterView
    private var unused: [HostID]
    private var pendingData: Set<HostID> = []
    private var pendingDigests: Set<HostID> = []
    /// Replicas a request to failed: never asked again in this round (one that crashed after
    /// answering a digest would otherwise be promoted again and again).
    private var failed: Set<HostID> = []
    /// The first data answer: what the read returns when every digest agrees.
    private(set) var data: (replica: HostID, response: ReadResponse)?
    /// Every other answer as a digest (a later data answer too), to compare with `data`.
    private var digests: [(replica: HostID, digest: ReadDigest)] = []
    /// Replicas that answered, each once, in the order they did.
    private(set) var answered: [HostID] = []
    private(set) var failures: [StorageCoordinator.ReadFailure] = []

    init(selection: ReplicaSelection, view: ClusterView) {
        self.selection = selection
        self.view = view
        unused = selection.candidates
    }

    /// The first requests: data from the first target (the closest), digests from the rest.
    mutating func start() -> [Ask] {
        selection.initialReadTargets.enumerated().map { index, replica in
            take(Ask(replica: replica, request: index == 0 ? .data : .digest))
        }
    }

    /// Both data and enough answers for the level.
    var isComplete: Bool { data != nil && selection.isSatisfied(by: answered) }

    /// Whether a speculative request could still be sent.
    var canSpeculate: Bool { !unused.isEmpty }

    /// Whether some answer differs from the data's digest (false while there is no data).
    var hasMismatch: Bool {
        guard let data else { return false }
        let expected = ReadDigest.of(data.response)
        return digests.contains { $0.digest != expected }
    }

    /// The replicas that answered, the data replica first: who a full read asks after a
    /// mismatch.
    var participants: [HostID] {
        guard let data else { return answered }
        return [data.replica] + answered.filter { $0 != data.replica }
    }

    /// A replica answered (whatever it was asked, its answer is used as it is).
    mutating func receive(_ reply: ReadReply, from replica: HostID) {
        switch reply {
        case .data(let response) where data == nil:
            pendingData.remove(replica)
            data = (replica, response)
        case .data(let response):
            pendingData.remove(replica)
            digests.append((replica, ReadDigest.of(response)))
        case .digest(let digest):
            pendingDigests.remove(replica)
            digests.append((replica, digest))
        }
        if !answered.contains(replica) { answered.append(replica) }
    }

    /// A request failed: its replacement, asked for data when no data answer is in or on its
    /// way. With no unused replica left, a replica that answered (or will answer) a digest is
    /// promoted and asked for data.
    mutating func fail(_ failure: StorageCoordinator.ReadFailure, from replica: HostID, request: Request) -> [Ask] {
        failures.append(failure)
        failed.insert(replica)
        switch request {
        case .data: pendingData.remove(replica)
        case .digest: pendingDigests.remove(replica)
        }
        let needsData = data == nil && pendingData.isEmpty
        // Replace it from its own datacenter when one is left (EACH_QUORUM needs that).
        let datacenter = view.datacenter(of: replica)
        if let next = unused.first(where: { view.datacenter(of: $0) == datacenter }) ?? unused.first {
            return [take(Ask(replica: next, request: needsData ? .data : .digest))]
        }
        guard needsData,
              let promoted = answered.first(where: { !failed.contains($0) }) ?? pendingDigests.subtracting(failed).min()
        else {
            return []
        }
        return [take(Ask(replica: promoted, request: .data))]
    }

    /// The speculative delay passed: one more replica, asked for data if the data answer is
    /// what is late, unless the round is complete or no replica is left.
    mutating func speculate() -> [Ask] {
        guard !isComplete, let next = unused.first else { return [] }
        return [take(Ask(replica: next, request: data == nil ? .data : .digest))]
    }

    private mutating func take(_ ask: Ask) -> Ask {
        unused.removeAll { $0 == ask.replica }
        switch ask.request {
        case .data: pendingData.insert(ask.replica)
        case .digest: pendingDigests.insert(ask.replica)
        }
        return ask
    }
}
