import BenchCore
import CQL
import KVClient
import KVCore

/// `--workload kv`: a table of blob key → blob value; each operation is a read
/// (`read-ratio` of them) or a write of one key chosen by the key distribution.
///
/// Key number n is its 8 bytes big-endian, so several processes that split a key range
/// (`--key-offset`, `--key-count`) never collide. Values are slices of one random buffer
/// made at start (half of each value is that buffer's noise, like db_bench's), so drawing a
/// value costs a copy, not a random byte per byte.
struct KVWorkload: BenchWorkload {
    /// Only the kinds the read ratio can produce: a read-only run's summary has no empty `write`.
    var operationNames: [String] {
        readRatio >= 1 ? ["read"] : readRatio <= 0 ? ["write"] : ["read", "write"]
    }
    private var read: PreparedStatement
    private var write: PreparedStatement
    private let keys: KeyChooser
    private let valueSize: ValueSize
    private let readRatio: Double
    private var valuePool: [UInt8]

    init(schema: BenchSchema, settings: BenchSettings) async throws(KVClientError) {
        try await schema.create(table: BenchSchema.kvTable)
        read = try await schema.prepare("SELECT value FROM kv WHERE key = ?")
        write = try await schema.prepare("INSERT INTO kv (key, value) VALUES (?, ?)")
        keys = try KeyChooser(settings: settings, tableSize: settings.keys)
        valueSize = ValueSize(parsing: settings.valueSize) ?? ValueSize(fixedBytes: 100)
        readRatio = settings.readRatio
        var random = SplitMixRandom(seed: settings.seed)
        valuePool = (0..<(valueSize.maximumBytes * 2 + 4096)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    func copiedForEventLoop() -> any BenchWorkload {
        var copy = self
        copy.read = read.unsharedCopy()
        copy.write = write.unsharedCopy()
        copy.valuePool = valuePool.withUnsafeBufferPointer { Array($0) }
        return copy
    }

    func operation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        if readRatio >= 1 || (readRatio > 0 && random.nextUnitInterval() < readRatio) {
            return readOperation(ticket: ticket, random: &random)
        }
        return writeOperation(ticket: ticket, random: &random)
    }

    /// As `operation(ticket:random:)`, drawing the same numbers, with the key and value
    /// written into `bound` (blob values serialize as their own bytes).
    func boundOperation(ticket: Int, random: inout SplitMixRandom, into bound: inout [ProtocolValue]) -> BoundOperation? {
        let isRead = readRatio >= 1 || (readRatio > 0 && random.nextUnitInterval() < readRatio)
        let key = keys.key(ticket: ticket, random: &random)
        bound.resize(to: isRead ? 1 : 2)
        bound.rewriteBytes(at: 0, byteCount: 8) { bytes in
            withUnsafeBytes(of: UInt64(key).bigEndian) { bytes.baseAddress!.update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 8) }
        }
        if isRead { return BoundOperation(name: "read", statement: read) }
        let size = valueSize.next(using: &random)
        let start = Int(random.next() % UInt64(valuePool.count - size))
        // The pool borrowed outside the closure: capturing it inside copied the whole workload.
        valuePool.withUnsafeBufferPointer { pool in
            bound.rewriteBytes(at: 1, byteCount: size) { bytes in
                guard size > 0 else { return }
                bytes.baseAddress!.update(from: pool.baseAddress! + start, count: size)
            }
        }
        return BoundOperation(name: "write", statement: write)
    }

    /// A read of a key the distribution picks.
    func readOperation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        BenchOperation("read", read, [.blob(Self.keyBytes(keys.key(ticket: ticket, random: &random)))])
    }

    /// A write of a fresh value to a key the distribution picks.
    func writeOperation(ticket: Int, random: inout SplitMixRandom) -> BenchOperation {
        let key = Self.keyBytes(keys.key(ticket: ticket, random: &random))
        return BenchOperation("write", write, [.blob(key), .blob(value(random: &random))])
    }

    /// A value of the configured size starting at a random point of the pool.
    private func value(random: inout SplitMixRandom) -> [UInt8] {
        let size = valueSize.next(using: &random)
        let start = Int(random.next() % UInt64(valuePool.count - size))
        return Array(valuePool[start..<(start + size)])
    }

    /// Key number `n` as the kv table's blob key.
    static func keyBytes(_ n: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) }
    }
}

extension KeyChooser {
    /// The chooser of `settings`' key range in a table of `tableSize` keys:
    /// `keyOffset ..< keyOffset + keyCount`, or to the table's end when `keyCount` is 0.
    init(settings: BenchSettings, tableSize: Int, distribution: KeyDistribution? = nil) throws(KVClientError) {
        guard let distribution = distribution ?? KeyDistribution(parsing: settings.distribution) else {
            throw .invalidArgument("bad --distribution '\(settings.distribution)'")
        }
        let count = settings.keyCount > 0 ? settings.keyCount : tableSize - settings.keyOffset
        guard count >= 1 else { throw .invalidArgument("--key-offset \(settings.keyOffset) leaves no key of \(tableSize)") }
        self.init(offset: settings.keyOffset, count: count, distribution: distribution)
    }
}
