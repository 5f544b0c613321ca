import KVCore

/// Merges sorted row sources into one stream of keys. At each step it exposes the group of
/// sources positioned at the smallest key (several when a row has fragments in several
/// sources). A binary heap keeps the other sources ordered.
final class MergingIterator {
    let sources: [any RowSource]
    /// Sources at the current key, by index into `sources`.
    private(set) var group: [Int] = []
    private var heap: [Int] = []

    init(_ sources: [any RowSource]) {
        self.sources = sources
        heap.reserveCapacity(sources.count)
        group.reserveCapacity(sources.count)
    }

    var isValid: Bool { !group.isEmpty }
    /// The current key (valid until the iterator moves).
    var key: UnsafeRawBufferPointer { sources[group[0]].key }

    func seekToFirst() throws {
        for source in sources { try source.seekToFirst() }
        rebuild()
    }

    func seek(_ key: UnsafeRawBufferPointer) throws {
        for source in sources { try source.seek(key) }
        rebuild()
    }

    /// Moves every source of the current group past the current key.
    func advance() throws {
        if group.count == 1 {
            try advanceAlone(group[0])
            return
        }
        for index in group {
            try sources[index].next()
            if sources[index].isValid { push(index) }
        }
        collectGroup()
    }

    /// The fast path of a sequential scan: a lone source that, once moved, is still before
    /// every other source stays the group without touching the heap.
    @inline(__always)
    private func advanceAlone(_ index: Int) throws {
        let source = sources[index]
        try source.next()
        guard source.isValid else {
            collectGroup()
            return
        }
        if let top = heap.first, compareBytes(sources[top].key, source.key) <= 0 {
            push(index)
            collectGroup()
        }
    }

    private func rebuild() {
        heap.removeAll(keepingCapacity: true)
        group.removeAll(keepingCapacity: true)
        for index in sources.indices where sources[index].isValid { push(index) }
        collectGroup()
    }

    private func collectGroup() {
        group.removeAll(keepingCapacity: true)
        guard let first = popMin() else { return }
        group.append(first)
        let key = sources[first].key
        while let top = heap.first, compareBytes(sources[top].key, key) == 0 {
            group.append(popMin()!)
        }
    }

    // MARK: Heap

    @inline(__always) private func precedes(_ left: Int, _ right: Int) -> Bool {
        let order = compareBytes(sources[left].key, sources[right].key)
        return order != 0 ? order < 0 : left < right
    }

    private func push(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popMin() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count && precedes(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
