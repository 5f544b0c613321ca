import Gossip

/// A binary min-heap of simulation events ordered by time, then by insertion, so that
/// events at the same virtual millisecond run in the order they were scheduled.
struct SimulationEventQueue {
    enum Event {
        /// A node's gossip round; `incarnation` invalidates ticks of a stopped node.
        case tick(node: Int, incarnation: Int)
        /// Encoded message bytes in flight.
        case delivery(from: Int, to: Int, bytes: [UInt8])
    }

    private struct Entry {
        let timeMillis: Int64
        let sequence: Int
        let event: Event

        func precedes(_ other: Entry) -> Bool {
            (timeMillis, sequence) < (other.timeMillis, other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var nextSequence = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTimeMillis: Int64? { heap.first?.timeMillis }

    mutating func schedule(_ event: Event, atMillis timeMillis: Int64) {
        heap.append(Entry(timeMillis: timeMillis, sequence: nextSequence, event: event))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> (timeMillis: Int64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let entry = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count && heap[left].precedes(heap[first]) { first = left }
            if right < heap.count && heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return (entry.timeMillis, entry.event)
    }
}
