import KVCore
import Synchronization

/// Cell timestamps for the benchmark's writes: one counter shared by all threads, so every
/// write is newer than every earlier one. It starts at the wall clock in microseconds, so
/// writes made on an existing store (`--use_existing_db`) are newer than what it holds.
final class TimestampCounter: Sendable {
    private let counter: Atomic<Int64>

    init(startMicros: Int64 = SystemClock().nowMicros()) {
        counter = Atomic(startMicros)
    }

    /// The next timestamp.
    @inline(__always)
    func next() -> Int64 {
        counter.add(1, ordering: .relaxed).newValue
    }
}
