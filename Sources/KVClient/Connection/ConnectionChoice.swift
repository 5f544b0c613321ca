/// The open connections of one node and which one the next request uses, in O(1): the less
/// loaded of two candidates (power of two choices), taken from a cursor that moves on with
/// every choice so that every connection keeps being looked at.
///
/// Candidates on the caller's event loop are preferred, up to a few probes: a request sent
/// from its connection's loop, and the task resumed there by its response, need no hop
/// between threads. Dead connections are dropped when the cursor meets one.
/// A value type kept under the pool's lock.
struct ConnectionChoice {
    /// How many connections one choice looks at, at most.
    static let probes = 8

    private(set) var all: [ClientConnection] = []
    private var cursor = 0

    /// The number of connections (dead ones not yet met included).
    var count: Int { all.count }

    mutating func append(_ connection: ClientConnection) { all.append(connection) }

    mutating func removeAll() { all.removeAll() }

    /// The connection for the next request, or nil when none is open. `loop` is the caller's
    /// event loop, if it runs on one.
    mutating func pick(onLoop loop: ObjectIdentifier?) -> ClientConnection? {
        while !all.isEmpty {
            if let chosen = probe(onLoop: loop) { return chosen }
            all.removeAll { !$0.isActive }
        }
        return nil
    }

    /// The better of the first two local candidates (or of the first two probed when fewer
    /// are local); nil when a probed connection is dead.
    private mutating func probe(onLoop loop: ObjectIdentifier?) -> ClientConnection? {
        let count = all.count
        var first: ClientConnection?
        var second: ClientConnection?
        var fallback: ClientConnection?
        var probed = 0
        while probed < min(count, Self.probes), second == nil {
            let candidate = all[(cursor + probed) % count]
            probed += 1
            guard candidate.isActive else { return nil }
            guard loop == nil || candidate.loopID == loop else {
                if fallback == nil { fallback = candidate }
                continue
            }
            if first == nil { first = candidate } else { second = candidate }
        }
        cursor = (cursor + probed) % count
        guard let first else { return fallback }
        guard let second else { return first }
        return second.load.value < first.load.value ? second : first
    }
}
