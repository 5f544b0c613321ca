import CQL
import KVCore
import Testing

@testable import kvnode

/// Bind markers inside literals: their names in PREPARED metadata and the value built from
/// the bound values, in text order.
@Suite struct NestedMarkersTests {
    static let address = CQLDataType.udt(keyspace: "ks", name: "address", fields: [
        CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int),
    ])
    static let context = TermContext(nowMicros: 0, timeUUID: { CQLUUID(high: 0, low: 0) },
                                     randomUUID: { CQLUUID(high: 0, low: 0) })

    @Test func markersAreNamedAsCassandraNamesThem() {
        let term = CQLTerm.list([.userType([CQLFieldValue(field: "zip", value: .bindMarker)]), .bindMarker])
        let names = NestedMarkers.specifications(term, type: .list(.frozen(Self.address)), name: "past").map(\.name)
        #expect(names == ["value(past).zip", "value(past)"])
        let map = CQLTerm.map([CQL.CQLMapEntry(key: .bindMarker, value: .namedBindMarker("v"))])
        #expect(NestedMarkers.specifications(map, type: .map(.text, .int), name: "m").map(\.name) == ["key(m)", "v"])
        #expect(NestedMarkers.specifications(.userType([CQLFieldValue(field: "city", value: .string("x"))]),
                                             type: Self.address, name: "a").isEmpty)
    }

    @Test func valueTakesBoundValuesInOrder() throws {
        let term = CQLTerm.userType([CQLFieldValue(field: "zip", value: .bindMarker),
                                     CQLFieldValue(field: "city", value: .bindMarker)])
        var next = 1
        let values: [ProtocolValue] = [.null, .bytes(try CQLValue.int(75001).serialize(as: .int)), .null]
        let value = try NestedMarkers.value(term, type: Self.address, values: values, next: &next, context: Self.context)
        #expect(value == .udt([nil, .int(75001)]))
        #expect(next == 3)
    }

    @Test func unsetAndNullElementsAreRefused() {
        var next = 0
        #expect(throws: ErrorResponse.self) {
            try NestedMarkers.value(.list([.bindMarker]), type: .list(.int), values: [.null], next: &next, context: Self.context)
        }
        next = 0
        #expect(throws: ErrorResponse.self) {
            try NestedMarkers.value(.userType([CQLFieldValue(field: "zip", value: .bindMarker)]), type: Self.address,
                                    values: [.notSet], next: &next, context: Self.context)
        }
    }
}
