import Coordinator
import KVCore
import Synchronization

/// Single-writer registers at QUORUM/QUORUM (RELIABILITY test 2). Each register has one
/// writer that writes 1, 2, 3, ... with client-side timestamps (as drivers send them);
/// readers check that no read returns a value older than the last write acknowledged before
/// the read began, and that reads are monotonic: none returns less than a read that ended
/// before it began.
final class RegisterWorkload: Workload {
    private struct Register {
        var lastWritten: UInt64 = 0
        var lastAcknowledged: UInt64 = 0
        var lastRead: UInt64 = 0
        var unavailable: Set<UInt64> = []
    }

    static let registerCount = 3
    private let cluster: SimulatedCluster
    private let registers = Mutex([Register](repeating: Register(), count: RegisterWorkload.registerCount))
    private let outcomes = OutcomeCounters()

    init(cluster: SimulatedCluster) { self.cluster = cluster }

    private static func key(_ register: Int) -> String { "register-\(register)" }

    func runClients(count: Int, until deadline: VirtualClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            for register in 0..<Self.registerCount {
                group.addTask { await self.runWriter(register, until: deadline) }
            }
            for _ in 0..<count {
                group.addTask { await self.runReader(until: deadline) }
            }
        }
    }

    private func runWriter(_ register: Int, until deadline: VirtualClock.Instant) async {
        while cluster.environment.virtualClock.now < deadline {
            let value = registers.withLock { registers in
                registers[register].lastWritten += 1
                return registers[register].lastWritten
            }
            let outcome = await cluster.write(Self.key(register), value: value,
                                              timestamp: SimulatedNodeClock.startMicros + Int64(value),
                                              consistency: .quorum, via: cluster.randomNode())
            outcomes.count("write", outcome)
            registers.withLock { registers in
                switch outcome {
                case .succeeded: registers[register].lastAcknowledged = max(registers[register].lastAcknowledged, value)
                case .failed(.unavailable): registers[register].unavailable.insert(value)
                default: break
                }
            }
            await cluster.think()
        }
    }

    private func runReader(until deadline: VirtualClock.Instant) async {
        while cluster.environment.virtualClock.now < deadline {
            let register = cluster.environment.random.next(in: 0..<Self.registerCount)
            let before = registers.withLock { $0[register] }
            let outcome = await cluster.read(Self.key(register), consistency: .quorum, via: cluster.randomNode())
            outcomes.count("read", outcome)
            if case .succeeded(let found) = outcome { checkRead(found ?? 0, of: register, before: before) }
            await cluster.think()
        }
    }

    private func checkRead(_ value: UInt64, of register: Int, before: Register) {
        let key = Self.key(register)
        let now = registers.withLock { $0[register] }
        if value < before.lastAcknowledged {
            outcomes.count("stale reads")
            cluster.log.violation("stale read: \(key) read \(value) after \(before.lastAcknowledged) was acknowledged")
        }
        if value < before.lastRead {
            outcomes.count("non-monotonic reads")
            cluster.log.violation("non-monotonic read: \(key) read \(value) after an earlier read returned \(before.lastRead)")
        }
        if value > now.lastWritten || now.unavailable.contains(value) {
            cluster.log.violation("\(key) read \(value), which was never written (or was refused as Unavailable)")
        }
        registers.withLock { $0[register].lastRead = max($0[register].lastRead, value) }
    }

    func check() async {
        for register in 0..<Self.registerCount {
            let acknowledged = registers.withLock { $0[register].lastAcknowledged }
            guard let found = await cluster.finalRead(Self.key(register)) else { continue }
            if (found ?? 0) < acknowledged {
                cluster.log.violation("\(Self.key(register)) reads \(found ?? 0) at ALL after healing; \(acknowledged) was acknowledged")
            }
        }
        outcomes.add("stale reads", 0)
        outcomes.add("non-monotonic reads", 0)
    }

    var unavailableWrites: [(key: String, value: UInt64)] {
        registers.withLock { registers in
            registers.indices.flatMap { register in registers[register].unavailable.sorted().map { (Self.key(register), $0) } }
        }
    }

    var counters: [String: Int] { outcomes.snapshot }
}
