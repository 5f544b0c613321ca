import Synchronization

/// What happened in a run, line by line with virtual times, and the invariant violations
/// found. Printed when a seed fails; two runs of one seed must produce the same log.
public final class SimulationLog: Sendable {
    private struct State {
        var events: [String] = []
        var violations: [String] = []
    }

    private let state = Mutex(State())
    private let executor: SimulationExecutor

    init(executor: SimulationExecutor) { self.executor = executor }

    /// Records an event (faults, restarts, phases).
    func event(_ text: String) {
        let line = "\(Self.format(executor.now)) \(text)"
        state.withLock { $0.events.append(line) }
    }

    /// Records a broken invariant.
    func violation(_ text: String) {
        let line = "\(Self.format(executor.now)) \(text)"
        state.withLock { state in
            state.violations.append(line)
            state.events.append("VIOLATION " + line)
        }
    }

    public var events: [String] { state.withLock { $0.events } }
    public var violations: [String] { state.withLock { $0.violations } }

    static func format(_ time: Duration) -> String {
        let millis = time / .milliseconds(1)
        return "t=\(Int(millis) / 1000).\(String(Int(millis) % 1000 + 1000).dropFirst())s"
    }
}
