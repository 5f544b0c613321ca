import Coordinator
import KVCore
import Ring

/// How one client operation ended.
enum OperationOutcome<Value: Sendable>: Sendable {
    /// The coordinator answered with success.
    case succeeded(Value)
    /// The coordinator answered with an error.
    case failed(CoordinatorError)
    /// No answer the client could trust: its coordinator was down or crashed meanwhile.
    case unknown
}

/// Writes and reads of single-cell registers (`key` → a 64-bit value) through a chosen
/// node's coordinator, checking on the way that Unavailable is answered exactly when the
/// coordinator's view holds too few live replicas (and never after a partial write).
extension SimulatedCluster {
    static let valueColumn: UInt32 = 1

    static func storageKey(_ key: String) -> [UInt8] {
        let serialized = Array(key.utf8)
        return StoragePartitionKey.make(token: Murmur3Partitioner.token(for: serialized), serializedKey: serialized)
    }

    /// Writes `value` to `key` at `timestamp` (nil: the coordinator's clock).
    func write(_ key: String, value: UInt64, timestamp: Int64?, consistency: ConsistencyLevel,
               via node: SimulatedNode) async -> OperationOutcome<Void> {
        guard let coordinator = node.coordinator else { return .unknown }
        let storageKey = Self.storageKey(key)
        let cell = Cell.live(column: Self.valueColumn, timestamp: timestamp ?? coordinator.nextTimestamp(),
                             value: Self.encode(value))
        let mutation = Mutation(table: environment.table,
                                update: PartitionUpdate(partitionKey: storageKey, rows: [Row(clustering: [], cells: [cell])]))
        let probe = ViewProbe()
        let incarnation = node.incarnation
        let result = await probing(probe) { () async throws(CoordinatorError) in
            try await coordinator.write([mutation], replication: environment.replication, consistency: consistency)
        }
        return checked(result, of: "write \(key)=\(value)", key: storageKey, consistency: consistency, via: node,
                       since: incarnation, probe: probe)
    }

    /// Reads `key`'s value (nil: no value).
    func read(_ key: String, consistency: ConsistencyLevel, via node: SimulatedNode) async -> OperationOutcome<UInt64?> {
        guard let coordinator = node.coordinator else { return .unknown }
        let storageKey = Self.storageKey(key)
        let command = ReadCommand(table: environment.table,
                                  selection: .partition(key: storageKey, start: .unbounded, end: .unbounded), maxLiveRows: 10)
        let probe = ViewProbe()
        let incarnation = node.incarnation
        let result = await probing(probe) { () async throws(CoordinatorError) -> UInt64? in
            let answer = try await coordinator.read(command, replication: environment.replication, consistency: consistency)
            let cell = answer.partitions.first?.rows.first?.cells.first { $0.column == Self.valueColumn }
            return cell.map { Self.decode($0.value) }
        }
        return checked(result, of: "read \(key)", key: storageKey, consistency: consistency, via: node,
                       since: incarnation, probe: probe)
    }

    /// Runs `operation` with `probe` recording the view its coordinator uses.
    private func probing<Value>(_ probe: ViewProbe,
                                _ operation: () async throws(CoordinatorError) -> Value) async -> OperationOutcome<Value> {
        await ViewProbe.$current.withValue(probe) {
            do throws(CoordinatorError) {
                return .succeeded(try await operation())
            } catch {
                return .failed(error)
            }
        }
    }

    /// The outcome the client sees, after checking that Unavailable was answered exactly
    /// when the view the coordinator used held too few live replicas.
    private func checked<Value>(_ outcome: OperationOutcome<Value>, of operation: String, key: [UInt8],
                                consistency: ConsistencyLevel, via node: SimulatedNode, since incarnation: Int,
                                probe: ViewProbe) -> OperationOutcome<Value> {
        guard let view = probe.view else {
            log.violation("\(operation) via node \(node.index): the coordinator never consulted its cluster view")
            return outcome
        }
        let expected = expectedAvailability(of: key, consistency: consistency, view: view)
        if case .failed(.unavailable(_, let required, let alive)) = outcome {
            if expected.isAvailable || required != expected.required || alive != expected.alive {
                log.violation("\(operation) via node \(node.index): Unavailable(required \(required), alive \(alive)) but the view had \(expected.alive) of \(expected.required) needed replicas alive")
            }
        } else if !expected.isAvailable {
            log.violation("\(operation) via node \(node.index): not Unavailable although the view had only \(expected.alive) of \(expected.required) needed replicas alive")
        }
        return node.incarnation == incarnation ? outcome : .unknown
    }

    struct Availability {
        var required: Int
        var alive: Int
        var isAvailable: Bool { alive >= required }
    }

    /// What Cassandra's rules say a coordinator with `view` must do: the level's block-for
    /// comes from the keyspace's replication factor, and only replicas the view holds alive
    /// count. Computed here independently of the coordinator's code.
    private func expectedAvailability(of storageKey: [UInt8], consistency: ConsistencyLevel,
                                      view: ClusterView) -> Availability {
        let factor = environment.replication.strategy.replicationFactor(in: view.ring)
        let required = switch consistency {
        case .one, .localOne, .any: 1
        case .two: 2
        case .three: 3
        case .all: factor
        default: factor / 2 + 1
        }
        let replicas = ReplicaMap(ring: view.ring, strategy: environment.replication.strategy)
            .replicas(for: StoragePartitionKey.token(of: storageKey))
        return Availability(required: required, alive: replicas.filter(view.alive.contains).count)
    }

    static func encode(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    static func decode(_ bytes: [UInt8]) -> UInt64 { bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }
}
