/// The coordinator's recent read latencies to replicas, for `SpeculativeRetryPolicy.percentile`:
/// the last `capacity` samples in a ring, and their percentiles.
///
/// A pure value: the coordinator measures with its injected `Clock` and keeps the window in
/// a mutex. Cost: `record` is O(1); `delayNanos` sorts a copy of the window (O(n log n), n at
/// most `capacity`) only when samples arrived since the last sort and, once the window is
/// full, only every `resortEverySamples` samples, so a busy coordinator sorts rarely.
struct ReadLatencyWindow {
    /// The limits, in one place.
    struct Limits {
        /// How many recent samples count.
        var capacity = 1024
        /// Fewer samples than this say too little: `defaultDelayNanos` is used instead.
        var minimumSamples = 32
        /// Never speculate sooner than this, however fast replicas have been: below it a
        /// second request costs more than the latency it saves.
        var floorNanos: UInt64 = 1_000_000
        /// The delay before enough samples exist (the old fixed default, 50 ms).
        var defaultDelayNanos: UInt64 = 50_000_000
        /// Once full, re-sort after this many new samples.
        var resortEverySamples = 64
    }

    let limits: Limits
    private var samples: [UInt64] = []
    private var nextSlot = 0
    private var sorted: [UInt64] = []
    private var samplesSinceSort = 0

    init(limits: Limits = Limits()) {
        precondition(limits.capacity >= 1 && limits.minimumSamples >= 1 && limits.resortEverySamples >= 1)
        self.limits = limits
        samples.reserveCapacity(limits.capacity)
    }

    var sampleCount: Int { samples.count }

    /// Adds one replica round trip, replacing the oldest once the window is full.
    mutating func record(nanos: UInt64) {
        if samples.count < limits.capacity {
            samples.append(nanos)
        } else {
            samples[nextSlot] = nanos
            nextSlot = (nextSlot + 1) % limits.capacity
        }
        samplesSinceSort += 1
    }

    /// The speculative delay for `percentile` (0 < p < 100): the nearest-rank percentile of
    /// the window, at least the floor; the default while the window holds too few samples.
    mutating func delayNanos(percentile: Double) -> UInt64 {
        guard samples.count >= limits.minimumSamples else { return limits.defaultDelayNanos }
        let isFull = samples.count == limits.capacity
        if samplesSinceSort > 0 && (!isFull || samplesSinceSort >= limits.resortEverySamples || sorted.isEmpty) {
            sorted = samples.sorted()
            samplesSinceSort = 0
        }
        let rank = Int((percentile * Double(sorted.count) / 100).rounded(.up))
        let value = sorted[min(max(rank, 1), sorted.count) - 1]
        return max(value, limits.floorNanos)
    }
}
