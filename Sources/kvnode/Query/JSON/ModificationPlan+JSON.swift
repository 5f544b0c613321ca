import CQL
import KVCore

/// `INSERT INTO t JSON '{...}'`: the document names columns (lower-cased unless quoted) and
/// their values; each execution turns it into the equivalent `INSERT (cols) VALUES (...)`,
/// with every column it leaves out set to null — or left alone with `DEFAULT UNSET`.
struct JSONInsert: Sendable {
    var document: Operand
    var defaultUnset: Bool
}

extension ModificationPlan {
    static func json(_ document: CQLTerm, insert: CQLInsert, layout: TableLayout,
                     context: TermContext) throws(ErrorResponse) -> ModificationPlan {
        var analyzer = OperandAnalyzer(layout: layout, context: context)
        let operand = try analyzer.operand(document, type: .text, name: "[json]")
        let (ttl, timestamp) = try using(insert.using, analyzer: &analyzer)
        return ModificationPlan(layout: layout, kind: .insert, keys: KeyRestrictions(), writes: [], timeToLive: ttl,
                                timestamp: timestamp, markers: analyzer.markers,
                                json: JSONInsert(document: operand, defaultUnset: insert.jsonDefaultUnset))
    }

    /// The plain INSERT this execution's document stands for, keeping this plan's USING.
    func expanded(_ json: JSONInsert, _ bindings: Bindings) throws(ErrorResponse) -> ModificationPlan {
        guard case .value(let bytes?) = try bindings.resolve(json.document) else {
            throw ErrorResponse(.invalid, message: "Got null for INSERT JSON values")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ErrorResponse(.invalid, message: error.description)
        }
        guard case .object(let members) = document else {
            throw ErrorResponse(.invalid, message: "Could not decode JSON string as a map: the document is not an object")
        }
        var names: [String] = [], terms: [CQLTerm] = []
        for member in members {
            let quoted = member.key.count >= 2 && member.key.hasPrefix("\"") && member.key.hasSuffix("\"")
            let name = quoted ? String(member.key.dropFirst().dropLast()) : member.key.lowercased()
            guard let column = layout.column(named: name) else {
                throw ErrorResponse(.invalid, message: "JSON values map contains unrecognized column: \(member.key)")
            }
            names.append(name)
            terms.append(try member.value.term(for: column.type, column: name))
        }
        if !json.defaultUnset {
            for column in layout.valueColumns where !names.contains(column.name) {
                names.append(column.name)
                terms.append(.null)
            }
        }
        let insert = CQLInsert(table: CQLQualifiedName(keyspace: layout.keyspace, layout.name),
                               values: .columns(names, values: terms))
        let plain = try ModificationPlan.insert(insert, layout: layout, context: bindings.context)
        return ModificationPlan(layout: layout, kind: .insert, keys: plain.keys, writes: plain.writes,
                                timeToLive: timeToLive, timestamp: timestamp, markers: markers)
    }
}
