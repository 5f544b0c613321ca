import CQL
import Ring

/// The ring's strategy for a keyspace's stored replication options.
enum ReplicationStrategies {
    static func strategy(for keyspace: KeyspaceSchema) throws(ErrorResponse) -> any ReplicationStrategy {
        var options = keyspace.replication
        let className = options.removeValue(forKey: "class") ?? ""
        do {
            if className == SchemaOptions.simpleStrategy {
                return try SimpleStrategy(replicationFactor: Int(options["replication_factor"] ?? "1") ?? 1)
            }
            return try NetworkTopologyStrategy(options.compactMapValues { Int($0) })
        } catch {
            throw ErrorResponse(.serverError, message: "keyspace \(keyspace.name) has unusable replication \(keyspace.replication): \(error)")
        }
    }
}
