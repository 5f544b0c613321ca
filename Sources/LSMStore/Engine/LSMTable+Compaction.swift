import KVCore

extension LSMTable {
    /// Runs compactions while the picker finds work (compaction worker). Skips the table
    /// if another compaction of it is running.
    func runBackgroundCompactions(shouldStop: () -> Bool) {
        while !shouldStop() && !context.hasFailed && !isDropped.load(ordering: .acquiring), beginCompaction(wait: false) {
            defer { endCompaction() }
            guard let task = CompactionPicker.pick(levels: version.levels, strategy: options.compaction,
                                                   cursors: compactionCursors) else { return }
            do {
                try run(task, throughputBytesPerSecond: context.options.compactionThroughputBytesPerSecond)
            } catch {
                // A table dropped mid-compaction just stops; anything else leaves the files in doubt.
                if !isDropped.load(ordering: .acquiring) { context.fail("compaction of table \(id) failed: \(error)") }
                return
            }
        }
    }

    /// Flushes the memtable and merges every SSTable into one sorted run (a major
    /// compaction), purging what `gc_grace_seconds` allows. Waits until done.
    public func compact() throws {
        try flush()
        guard beginCompaction(wait: true) else { return }
        defer { endCompaction() }
        if let task = CompactionPicker.pickMajor(levels: version.levels, strategy: options.compaction) {
            try run(task, throughputBytesPerSecond: 0)
        }
    }

    private func beginCompaction(wait: Bool) -> Bool {
        compactionLock.withLock {
            while compactionRunning && wait { compactionLock.wait() }
            guard !compactionRunning else { return false }
            compactionRunning = true
            return true
        }
    }

    private func endCompaction() {
        compactionLock.withLock { compactionRunning = false }
        compactionLock.broadcast()
    }

    private func run(_ task: CompactionTask, throughputBytesPerSecond: Int) throws {
        try checkOpen()
        if task.isTrivialMove {
            try install(task, outputs: task.inputs)
            return
        }
        let merger = CompactionMerger(nowSeconds: context.clock.nowSeconds(), gcGraceSeconds: options.gcGraceSeconds,
                                      purgeBelowTimestamp: oldestTimestampOutside(task.inputs))
        let outputs = try CompactionExecutor(table: self, task: task, merger: merger,
                                             throughputBytesPerSecond: throughputBytesPerSecond).run()
        try install(task, outputs: outputs)
    }

    /// The oldest timestamp of data the compaction does not see but its tombstones might
    /// shadow: memtables and other SSTables overlapping the inputs' key range.
    private func oldestTimestampOutside(_ inputs: [SSTableHandle]) -> Int64 {
        let snapshot = version
        let inputNumbers = Set(inputs.map(\.fileNumber))
        let (first, end) = CompactionPicker.partitionRange(inputs)
        var oldest = Int64.max
        for memTable in snapshot.memTables where !memTable.isEmpty { oldest = min(oldest, memTable.minTimestamp) }
        for file in snapshot.allSSTables where !inputNumbers.contains(file.fileNumber) {
            if file.overlaps(first: first, end: end) { oldest = min(oldest, file.statistics.minTimestamp) }
        }
        return oldest
    }

    /// Replaces the inputs by the outputs in the live set, durably, then lets the inputs go.
    private func install(_ task: CompactionTask, outputs: [SSTableHandle]) throws {
        try levelChangeLock.withLock { () throws in
            if isDropped.load(ordering: .acquiring) {
                if !task.isTrivialMove { for output in outputs { output.markObsolete() } }
                return
            }
            let removed = Set(task.inputs.map(\.fileNumber))
            var levels = version.levels.map { $0.filter { !removed.contains($0.fileNumber) } }
            while levels.count <= task.outputLevel { levels.append([]) }
            if task.outputLevel == 0 {
                levels[0].append(contentsOf: outputs)
            } else {
                levels[task.outputLevel].append(contentsOf: outputs)
                levels[task.outputLevel].sort { compareBytes($0.firstKey, $1.firstKey) < 0 }
            }
            try context.updateManifest { $0.setTable(id, files: Self.fileEntries(levels), replayAfter: replayAfter) }
            current.withLock { $0 = $0.replacing(levels: levels) }
            if let last = task.inputs.first?.lastKey, task.outputLevel > 1 { compactionCursors[task.outputLevel - 1] = last }
        }
        if !task.isTrivialMove {
            for input in task.inputs { input.markObsolete() }
        }
        compactionLock.broadcast()
        writeLocks.broadcast()
    }
}
