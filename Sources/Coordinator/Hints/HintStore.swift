import KVCore
import Synchronization

/// Durable hinted handoff on the coordinator: mutations a replica missed, kept on disk per
/// target host until that host is back, then replayed in the order they were stored.
///
/// One file per target host, `<directory>/<host-uuid>.hints`, of CRC-framed records (layout in
/// FORMAT.md, "Hints (on disk)"). `store` returns only after the record is fsynced (and, for a
/// new file, its directory entry), so a hint it acknowledged survives a crash. Each store
/// syncs on its own (no group commit): stores to one host serialize on that host's lock,
/// stores to different hosts run in parallel.
///
/// Delivery is **at least once**: a crash between a delivery and the rewrite that forgets it,
/// or a request that timed out after the replica applied it, delivers that hint again.
/// Mutations are idempotent (cells reconcile by timestamp), so a repeat is harmless.
///
/// Thread-safe; every method may be called from any thread or task.
public final class HintStore: Sendable {
    static let fileSuffix = ".hints"
    static let temporarySuffix = ".tmp"

    /// Where the hint files live.
    public let directory: String
    private let fileSystem: any FileSystem
    private let clock: any Clock
    private let maxHintWindowMillis: Int64
    private let maxBytesPerHost: Int
    private let logs = Mutex<[HostID: HostHintLog]>([:])
    private let totals: HintCounterBox

    /// Opens (creating if needed) the hint directory and loads the files in it: a torn tail is
    /// cut off, a file with a damaged record in the middle is renamed `.corrupt` (counted and
    /// passed to `onProblem`), leftovers of an interrupted rewrite are removed.
    ///
    /// - Parameters:
    ///   - maxHintWindowMillis: hints older than this (by `clock`'s wall time) are dropped at replay.
    ///   - maxBytesPerHost: `store` refuses a hint that would take a host's file past this size.
    ///   - onProblem: told (one line) of every torn tail cut, file set aside and undecodable hint;
    ///     called with a host's lock held, so it must not call back into the store.
    /// - Throws: `HintStoreError.io` when the directory cannot be read or a file repaired.
    public init(directory: String, fileSystem: any FileSystem, clock: any Clock, maxHintWindowMillis: Int64,
                maxBytesPerHost: Int, onProblem: @escaping @Sendable (String) -> Void = { _ in }) throws(HintStoreError) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.clock = clock
        self.maxHintWindowMillis = maxHintWindowMillis
        self.maxBytesPerHost = maxBytesPerHost
        self.totals = HintCounterBox(onProblem: onProblem)
        try loadDirectory()
    }

    /// Totals since this store was opened.
    public var counters: HintStoreCounters { totals.snapshot }

    /// How many hints are stored for `host`.
    public func pending(for host: HostID) -> Int {
        logs.withLock { $0[host] }?.recordCount ?? 0
    }

    /// The hosts with at least one stored hint, in host order.
    public var hostsWithHints: [HostID] {
        logs.withLock { Array($0.values) }.filter { $0.recordCount > 0 }.map(\.host).sorted()
    }

    /// Appends a hint of `mutation` for `host`, stamped with the current wall time, and syncs
    /// it. When this returns, the hint survives a crash.
    ///
    /// - Throws: `.hostFull` or `.hintTooLarge` (counted as refused; nothing written), `.io`
    ///   (not stored; counted nowhere).
    public func store(_ mutation: Mutation, for host: HostID) throws(HintStoreError) {
        let payload = ReplicaMessageCodec.encode(mutation)
        guard payload.count <= HintRecord.payloadSizeBytesMax else {
            totals.update { $0.refused += 1 }
            throw .hintTooLarge(sizeBytes: payload.count, maxBytes: HintRecord.payloadSizeBytesMax)
        }
        let record = HintRecord.encode(payload: payload, createdAtMillis: clock.nowMicros() / 1000)
        do {
            try log(for: host).append(record, maxBytes: maxBytesPerHost)
        } catch {
            if case .hostFull = error { totals.update { $0.refused += 1 } }
            throw error
        }
        totals.update { $0.stored += 1 }
    }

    /// Replays `host`'s hints oldest first: drops those older than the hint window, passes the
    /// rest one at a time to `deliver`, then deletes the file. Hints stored while this runs are
    /// kept for the next replay. One replay per host at a time.
    ///
    /// - Throws: `.deliveryFailed` when `deliver` throws: replay stops, and the hints from the
    ///   failed one on are kept (the file is rewritten atomically without the consumed ones);
    ///   `.corrupt` when a damaged record is met (the file is set aside); `.replayInProgress`;
    ///   `.io`.
    public func replay(for host: HostID, deliver: (Mutation) async throws -> Void) async throws(HintStoreError) -> HintReplayReport {
        guard let log = logs.withLock({ $0[host] }), let endOffset = try log.beginReplay() else {
            return HintReplayReport()
        }
        var progress = HintReplayProgress(host: host)
        do {
            try await replay(log, upTo: endOffset, progress: &progress, deliver: deliver)
        } catch {
            if case .corrupt = error { throw error }  // the file is already set aside
            progress.report.remaining = (try? log.finishReplay(consumedBytes: progress.consumedBytes,
                                                               consumedRecords: progress.consumedRecords)) ?? log.recordCount
            if case .deliveryFailed(_, _, let reason) = error { throw .deliveryFailed(host, report: progress.report, reason: reason) }
            throw error
        }
        progress.report.remaining = try log.finishReplay(consumedBytes: progress.consumedBytes,
                                                         consumedRecords: progress.consumedRecords)
        return progress.report
    }

    // MARK: Internals

    private func replay(_ log: HostHintLog, upTo endOffset: Int, progress: inout HintReplayProgress,
                        deliver: (Mutation) async throws -> Void) async throws(HintStoreError) {
        let file: any ReadableFile
        do { file = try fileSystem.openForReading(log.path) } catch { throw .io(error) }
        defer { file.close() }
        var reader = HintFileReader(file: file, path: log.path, endOffset: endOffset)
        while true {
            let step: HintFileReader.Step
            do { step = try reader.next() } catch { throw .io(error) }
            switch step {
            case .end:
                return
            case let .damaged(offset, reason, _):
                try log.setAsideAfterDamage(offset: offset, reason: reason)
                throw .corrupt(path: log.path, offset: offset, reason: reason)
            case .record(let entry):
                try await replay(entry, progress: &progress, deliver: deliver)
            }
        }
    }

    /// Drops `entry` if expired or undecodable, else delivers it; counts it as consumed after.
    private func replay(_ entry: HintEntry, progress: inout HintReplayProgress,
                        deliver: (Mutation) async throws -> Void) async throws(HintStoreError) {
        if clock.nowMicros() / 1000 - entry.createdAtMillis > maxHintWindowMillis {
            progress.report.expired += 1
            totals.update { $0.expired += 1 }
        } else if let mutation = try? ReplicaMessageCodec.decodeMutation(entry.payload) {
            do { try await deliver(mutation) } catch {
                throw .deliveryFailed(progress.host, report: progress.report, reason: "\(error)")
            }
            progress.report.delivered += 1
            totals.update { $0.delivered += 1 }
        } else {
            progress.report.undecodable += 1
            totals.update { $0.corrupt += 1 }
            totals.problem("undecodable hint in \(directory) at offset \(entry.offset); dropped")
        }
        progress.consumedBytes = entry.endOffset
        progress.consumedRecords += 1
    }

    /// The log of `host`, created (empty) if new.
    private func log(for host: HostID) -> HostHintLog {
        logs.withLock { logs in
            if let log = logs[host] { return log }
            let log = makeLog(host)
            logs[host] = log
            return log
        }
    }

    private func makeLog(_ host: HostID) -> HostHintLog {
        HostHintLog(host: host, directory: directory, fileSystem: fileSystem) { [totals] event in totals.record(event) }
    }

    private func loadDirectory() throws(HintStoreError) {
        do {
            try fileSystem.createDirectory(directory)
            for name in try fileSystem.listDirectory(directory) where name.hasSuffix(Self.temporarySuffix) {
                try fileSystem.removeFile(joinPath(directory, name))
            }
        } catch { throw .io(error) }
        let names: [String]
        do { names = try fileSystem.listDirectory(directory).sorted() } catch { throw .io(error) }
        for name in names where name.hasSuffix(Self.fileSuffix) {
            guard let host = HostID(uuidString: String(name.dropLast(Self.fileSuffix.count))) else { continue }
            let log = makeLog(host)
            try log.load()
            logs.withLock { $0[host] = log }
        }
    }
}

/// How far a replay got: its report so far and the file prefix it consumed.
struct HintReplayProgress {
    let host: HostID
    var report = HintReplayReport()
    var consumedBytes = 0
    var consumedRecords = 0
}

/// A store's counters and problem sink, shared with its host logs (which must not hold the store).
final class HintCounterBox: Sendable {
    private let counters = Mutex(HintStoreCounters())
    private let onProblem: @Sendable (String) -> Void

    init(onProblem: @escaping @Sendable (String) -> Void) { self.onProblem = onProblem }

    var snapshot: HintStoreCounters { counters.withLock { $0 } }

    func update(_ change: (inout HintStoreCounters) -> Void) { counters.withLock { change(&$0) } }

    func problem(_ message: String) { onProblem(message) }

    func record(_ event: HintLogEvent) {
        switch event {
        case let .truncatedTornTail(path, offset):
            problem("hint file \(path): torn tail cut at offset \(offset)")
        case .setAside(let error):
            update { $0.corrupt += 1 }
            problem(error.description)
        }
    }
}
