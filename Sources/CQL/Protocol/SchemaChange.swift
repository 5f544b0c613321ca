import NIOCore

/// A schema change, as carried by RESULT Schema_change (kind 5) and the SCHEMA_CHANGE event:
///
/// ```
/// [string] CREATED|UPDATED|DROPPED  [string] KEYSPACE|TABLE|TYPE|FUNCTION|AGGREGATE
/// KEYSPACE: [string] ks    TABLE/TYPE: [string] ks [string] name
/// FUNCTION/AGGREGATE: [string] ks [string] name [string list] argument CQL types
/// ```
public struct SchemaChange: Sendable, Hashable {
    /// What happened.
    public enum ChangeType: String, Sendable, Hashable, CaseIterable {
        case created = "CREATED", updated = "UPDATED", dropped = "DROPPED"
    }

    /// What changed. Index changes are reported as the table `UPDATED`.
    public enum Target: Sendable, Hashable {
        case keyspace(String)
        case table(keyspace: String, name: String)
        case type(keyspace: String, name: String)
        case function(keyspace: String, name: String, argumentTypes: [String])
        case aggregate(keyspace: String, name: String, argumentTypes: [String])

        var label: String {
            switch self {
            case .keyspace: return "KEYSPACE"
            case .table: return "TABLE"
            case .type: return "TYPE"
            case .function: return "FUNCTION"
            case .aggregate: return "AGGREGATE"
            }
        }
    }

    public var change: ChangeType
    public var target: Target

    /// Creates a schema change.
    public init(change: ChangeType, target: Target) {
        self.change = change
        self.target = target
    }

    /// Appends the encoded change.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolString(change.rawValue)
        buffer.writeProtocolString(target.label)
        switch target {
        case .keyspace(let keyspace):
            buffer.writeProtocolString(keyspace)
        case .table(let keyspace, let name), .type(let keyspace, let name):
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(name)
        case .function(let keyspace, let name, let arguments), .aggregate(let keyspace, let name, let arguments):
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(name)
            buffer.writeProtocolStringList(arguments)
        }
    }

    /// Reads an encoded change.
    public static func read(from reader: inout ProtocolReader) throws(ProtocolError) -> SchemaChange {
        let changeText = try reader.readString()
        guard let change = ChangeType(rawValue: changeText) else { throw .invalidField("change type \(changeText)") }
        let label = try reader.readString()
        let keyspace = try reader.readString()
        switch label {
        case "KEYSPACE": return SchemaChange(change: change, target: .keyspace(keyspace))
        case "TABLE": return SchemaChange(change: change, target: .table(keyspace: keyspace, name: try reader.readString()))
        case "TYPE": return SchemaChange(change: change, target: .type(keyspace: keyspace, name: try reader.readString()))
        case "FUNCTION", "AGGREGATE":
            let name = try reader.readString()
            let arguments = try reader.readStringList()
            let target: Target = label == "FUNCTION"
                ? .function(keyspace: keyspace, name: name, argumentTypes: arguments)
                : .aggregate(keyspace: keyspace, name: name, argumentTypes: arguments)
            return SchemaChange(change: change, target: target)
        default: throw .invalidField("schema change target \(label)")
        }
    }
}
