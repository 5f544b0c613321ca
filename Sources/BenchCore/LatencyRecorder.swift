/// The measurements of a run: per operation kind, the current one-second interval and the
/// total of the intervals closed so far, plus the series of interval samples.
///
/// A value type with no clock: the bench's ticker calls `closeInterval(timeS:elapsedS:)`
/// once a second, and the workers record into it under the runner's lock, or into one
/// recorder per event loop whose intervals are merged into it before each close.
public struct LatencyRecorder: Sendable {
    /// The interval being recorded.
    public var interval: [String: OperationStats] {
        Dictionary(uniqueKeysWithValues: current.map { ($0.name, $0.stats) })
    }
    /// Every closed interval added together.
    public private(set) var total: [String: OperationStats] = [:]
    /// One sample per closed interval.
    public private(set) var series: [IntervalSample] = []
    /// The interval being recorded, one entry per operation in order of first record. A run
    /// has a handful of operations, so finding one by comparing names is cheaper than
    /// hashing its name on every record (perf: 2% of the bench's CPU at 300k ops/s).
    private var current: [(name: String, stats: OperationStats)] = []

    /// An empty recorder.
    public init() {}

    /// Records a successful `operation`.
    public mutating func recordSuccess(_ operation: String, timing: OperationTiming, rows: Int = 0) {
        current[slot(operation)].stats.recordSuccess(timing, rows: rows)
    }

    /// Records a failed `operation` of `kind`.
    public mutating func recordError(_ operation: String, kind: String) {
        current[slot(operation)].stats.errorsByKind[kind, default: 0] += 1
    }

    /// Records a timed-out `operation`.
    public mutating func recordTimeout(_ operation: String) {
        current[slot(operation)].stats.timeouts += 1
    }

    /// Takes the interval recorded so far, leaving an empty one: a recorder per event loop
    /// hands its operations to the recorder that closes intervals (`merge(interval:)`).
    public mutating func takeInterval() -> [String: OperationStats] {
        defer { current = [] }
        return interval
    }

    /// Adds `other` (another recorder's `takeInterval()`) to the current interval.
    public mutating func merge(interval other: [String: OperationStats]) {
        for (operation, stats) in other { current[slot(operation)].stats.add(stats) }
    }

    /// Where `operation`'s entry is in `current`, added empty if it has none.
    private mutating func slot(_ operation: String) -> Int {
        if let index = current.firstIndex(where: { $0.name == operation }) { return index }
        current.append((operation, OperationStats()))
        return current.count - 1
    }

    /// Ends the interval that lasted `elapsedS` seconds and ended `timeS` seconds into the
    /// measured run: adds it to the total, appends its sample and returns it.
    @discardableResult
    public mutating func closeInterval(timeS: Double, elapsedS: Double) -> IntervalSample {
        let sample = IntervalSample(timeS: timeS, stats: interval, elapsedS: elapsedS)
        for (operation, stats) in current { total[operation, default: OperationStats()].add(stats) }
        current = []
        series.append(sample)
        return sample
    }
}
