/// The open connections of one node and which one the next request uses, in O(1): the less
/// loaded of two candidates (power of two choices), taken from a cursor that moves on with
/// every choice so that every connection keeps being looked at.
///
/// Candidates on the caller's event loop are preferred, up to a few probes: a request sent
/// from its connection's loop, and the task resumed there by its response, need no hop
/// between threads. Dead connections are dropped when the cursor meets one.
///
/// Requests stick to the connection last chosen on the same loop while its load is at most
/// `batchSlack` above the candidate's: the tasks that one loop tick resumes then send on one
/// connection, whose requests leave in one write(2), instead of one write per connection
/// (with 50 connections and 16 requests in flight each, a write carried 1.75 requests
/// without this and about 13 with it; the write syscalls had been a quarter of the
/// client's CPU).
/// A value type kept under the pool's lock.
struct ConnectionChoice {
    /// How many connections one choice looks at, at most.
    static let probes = 8

    /// How much busier than the candidate the last chosen connection may be and still be
    /// chosen again.
    let batchSlack: Int
    private(set) var all: [ClientConnection] = []
    private var cursor = 0
    /// The connection last chosen on each event loop (nil: callers on no loop).
    private var lastChosen: [(loop: ObjectIdentifier?, connection: ClientConnection)] = []

    /// No connections yet; `batchSlack` as described on the type.
    init(batchSlack: Int) {
        self.batchSlack = batchSlack
    }

    /// The number of connections (dead ones not yet met included).
    var count: Int { all.count }

    mutating func append(_ connection: ClientConnection) { all.append(connection) }

    mutating func removeAll() {
        all.removeAll()
        lastChosen.removeAll()
    }

    /// The connection for the next request, or nil when none is open. `loop` is the caller's
    /// event loop, if it runs on one.
    mutating func pick(onLoop loop: ObjectIdentifier?) -> ClientConnection? {
        while !all.isEmpty {
            if let candidate = probe(onLoop: loop) { return stickOrSwitch(to: candidate, onLoop: loop) }
            all.removeAll { !$0.isActive }
            lastChosen.removeAll { !$0.connection.isActive }
        }
        return nil
    }

    /// The connection last chosen on `loop` if it is alive and not much busier than
    /// `candidate`; otherwise `candidate`, remembered as the last chosen.
    private mutating func stickOrSwitch(to candidate: ClientConnection, onLoop loop: ObjectIdentifier?)
        -> ClientConnection {
        guard let slot = lastChosen.firstIndex(where: { $0.loop == loop }) else {
            lastChosen.append((loop, candidate))
            return candidate
        }
        let last = lastChosen[slot].connection
        if last.isActive, last.load.value <= candidate.load.value + batchSlack { return last }
        lastChosen[slot].connection = candidate
        return candidate
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
