import CQL

/// The requests of one connection waiting for their responses, by stream id, and the ids
/// whose requests timed out ("orphaned": reserved until their late response arrives, so a
/// reused id is never confused with an old one).
///
/// An array indexed by stream id: ids are handed out lowest-first, so it only grows to the
/// most requests ever in flight at once, and a response or a timeout sweep touches no hash
/// table. A value type confined to the connection's event loop.
struct InFlightTable {
    /// One request waiting for its response.
    struct Entry {
        let completion: ResponseCompletion
        /// When it times out, in `NIODeadline` uptime nanoseconds (`.max`: never).
        let deadlineNs: UInt64
        /// Its timeout, for the error.
        let timeoutMs: Int64
        /// The compression a STARTUP asked for, switched on when its READY arrives.
        let compressionOnReady: FrameCompression?
    }

    /// What a response's stream id refers to.
    enum Answered {
        case waiting(Entry)
        /// A request that timed out: the id is free again, nobody waits for the response.
        case orphaned
        /// No request: a protocol violation.
        case unknown
    }

    private enum Slot {
        case free
        case waiting(Entry)
        case orphaned
    }

    private var slots: [Slot] = []
    /// Ids whose requests timed out and whose responses have not arrived.
    private(set) var orphanedCount = 0

    /// Records `entry` as waiting on `streamID` (a free id).
    mutating func insert(_ entry: Entry, streamID: Int16) {
        let index = Int(streamID)
        while slots.count <= index { slots.append(.free) }
        slots[index] = .waiting(entry)
    }

    /// Takes what `streamID` refers to, leaving the slot free.
    mutating func answer(streamID: Int16) -> Answered {
        let index = Int(streamID)
        guard index < slots.count else { return .unknown }
        // Moved out, not copied: no reference count taken and dropped per response.
        var slot = Slot.free
        swap(&slot, &slots[index])
        switch slot {
        case .free: return .unknown
        case .orphaned:
            orphanedCount -= 1
            return .orphaned
        case .waiting(let entry): return .waiting(entry)
        }
    }

    /// Orphans the requests whose deadline is before `nowNs` and returns them.
    mutating func expire(nowNs: UInt64) -> [Entry] {
        var expired: [Entry] = []
        for index in slots.indices {
            guard case .waiting(let entry) = slots[index], entry.deadlineNs <= nowNs else { continue }
            slots[index] = .orphaned
            orphanedCount += 1
            expired.append(entry)
        }
        return expired
    }

    /// Removes every waiting request (orphans stay) and returns them.
    mutating func removeAllWaiting() -> [Entry] {
        var removed: [Entry] = []
        for index in slots.indices {
            guard case .waiting(let entry) = slots[index] else { continue }
            slots[index] = .free
            removed.append(entry)
        }
        return removed
    }
}
