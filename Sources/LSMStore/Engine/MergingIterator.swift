import KVCore

/// Merges sorted row sources into one stream of keys. At each step it exposes the group of
/// sources positioned at the smallest key (several when a row has fragments in several
/// sources). A binary heap keeps the other sources ordered.
final class MergingIterator {
    let sources: [any RowSource]
    /// Sources at the current key, by index into `sources`.
    private(set) var group: [Int] = []
    private var heap: [Int] = []
    /// Each valid source's current key, refreshed whenever the source moves, so that heap
    /// comparisons touch no source object (perf: retaining and releasing the sources for
    /// each comparison took a quarter of a filtered scan's CPU).
    private var keys: [UnsafeRawBufferPointer]

    init(_ sources: [any RowSource]) {
        self.sources = sources
        keys = Array(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: sources.count)
        heap.reserveCapacity(sources.count)
        group.reserveCapacity(sources.count)
    }

    var isValid: Bool { !group.isEmpty }
    /// The current key (valid until the iterator moves).
    var key: UnsafeRawBufferPointer { keys[group[0]] }

    /// The current row's bytes when a single source holds it (valid until the iterator
    /// moves); nil when several fragments must be reconciled.
    var loneValue: UnsafeRawBufferPointer? {
        group.count == 1 ? sources[group[0]].value : nil
    }

    func seekToFirst() throws {
        for source in sources { try source.seekToFirst() }
        rebuild()
    }

    func seek(_ key: UnsafeRawBufferPointer) throws {
        for source in sources { try source.seek(key) }
        rebuild()
    }

    /// `seek(key)` for a read that stops at the end of `key`'s partition (its first
    /// `partitionPrefixLength` bytes): sources may skip past the partition when it has no
    /// key >= `key`.
    func seek(_ key: UnsafeRawBufferPointer, partitionPrefixLength: Int) throws {
        for source in sources { try source.seek(key, partitionPrefixLength: partitionPrefixLength) }
        rebuild()
    }

    /// Moves every source of the current group past the current key.
    func advance() throws {
        if group.count == 1 {
            try advanceAlone(group[0])
            return
        }
        for index in group where try moveNext(index) { push(index) }
        collectGroup()
    }

    /// Moves source `index` on and refreshes its key; false once it is exhausted.
    @inline(__always)
    private func moveNext(_ index: Int) throws -> Bool {
        let source = sources[index]
        try source.next()
        guard source.isValid else { return false }
        keys[index] = source.key
        return true
    }

    /// The fast path of a sequential scan: a lone source that, once moved, is still before
    /// every other source stays the group without touching the heap.
    @inline(__always)
    private func advanceAlone(_ index: Int) throws {
        guard try moveNext(index) else {
            collectGroup()
            return
        }
        if let top = heap.first, compareBytes(keys[top], keys[index]) <= 0 {
            push(index)
            collectGroup()
        }
    }

    private func rebuild() {
        heap.removeAll(keepingCapacity: true)
        group.removeAll(keepingCapacity: true)
        for (index, source) in sources.enumerated() where source.isValid {
            keys[index] = source.key
            push(index)
        }
        collectGroup()
    }

    private func collectGroup() {
        group.removeAll(keepingCapacity: true)
        guard let first = popMin() else { return }
        group.append(first)
        let key = keys[first]
        while let top = heap.first, compareBytes(keys[top], key) == 0 {
            group.append(popMin()!)
        }
    }

    // MARK: Heap

    @inline(__always) private func precedes(_ left: Int, _ right: Int) -> Bool {
        let order = compareBytes(keys[left], keys[right])
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
