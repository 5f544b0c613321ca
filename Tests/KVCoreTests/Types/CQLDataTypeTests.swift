import Testing
@testable import KVCore

@Suite struct CQLDataTypeTests {
    @Test func describesTypesAsCassandraDescribeDoes() {
        #expect(CQLDataType.map(.text, .int).description == "map<text, int>")
        #expect(CQLDataType.frozen(.list(.int)).description == "frozen<list<int>>")
        #expect(CQLDataType.set(.frozen(.tuple([.int, .text]))).description == "set<frozen<tuple<int, text>>>")
        #expect(CQLDataType.varchar.description == "text")
        let address = CQLDataType.udt(keyspace: "ks", name: "address", fields: [CQLUDTField(name: "city", type: .text)])
        #expect(CQLDataType.frozen(address).description == "frozen<address>")
    }

    @Test func protocolOptionIDsMatchTheV4Spec() {
        #expect(CQLDataType.ascii.protocolOptionID == 0x0001)
        #expect(CQLDataType.text.protocolOptionID == 0x000D)
        #expect(CQLDataType.tinyint.protocolOptionID == 0x0014)
        #expect(CQLDataType.list(.int).protocolOptionID == 0x0020)
        #expect(CQLDataType.map(.int, .int).protocolOptionID == 0x0021)
        #expect(CQLDataType.set(.int).protocolOptionID == 0x0022)
        #expect(CQLDataType.udt(keyspace: "k", name: "u", fields: []).protocolOptionID == 0x0030)
        #expect(CQLDataType.tuple([.int]).protocolOptionID == 0x0031)
        #expect(CQLDataType.frozen(.set(.int)).protocolOptionID == 0x0022)
        #expect(CQLDataType(scalarProtocolOptionID: 0x000A) == .text)
        #expect(CQLDataType(scalarProtocolOptionID: 0x0009) == .int)
        #expect(CQLDataType(scalarProtocolOptionID: 0x0020) == nil)
    }

    @Test func frozenMarkerAndNesting() {
        let type = CQLDataType.frozen(.list(.frozen(.map(.int, .list(.int)))))
        #expect(type.isFrozen)
        #expect(type.unfrozen == .list(.frozen(.map(.int, .list(.int)))))
        #expect(type.nestingDepth == 3)
        #expect(type.isCollection)
        #expect(CQLDataType.int.fixedWidthBytes == 4 && CQLDataType.text.fixedWidthBytes == nil)
    }
}
