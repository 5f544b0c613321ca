import CQL
import NIOCore
import Testing

@Suite struct ProtocolReaderTests {
    @Test func notationRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeProtocolShort(65535)
        buffer.writeProtocolInt(-5)
        buffer.writeProtocolLong(Int64.min)
        buffer.writeProtocolString("héllo")
        buffer.writeProtocolLongString("long ✓")
        buffer.writeProtocolUUID(ProtocolUUID(high: 1, low: 2))
        buffer.writeProtocolStringList(["a", "", "c"])
        buffer.writeProtocolBytes(nil)
        buffer.writeProtocolBytes([1, 2])
        buffer.writeProtocolValue(.notSet)
        buffer.writeProtocolValue(.null)
        buffer.writeProtocolValue(.bytes([]))
        buffer.writeProtocolShortBytes([9])
        buffer.writeProtocolInet(ProtocolInet(addressBytes: [127, 0, 0, 1], port: 9042))
        buffer.writeProtocolInet(ProtocolInet(addressBytes: Array(repeating: 0, count: 15) + [1], port: 1))
        buffer.writeProtocolConsistency(.localQuorum)
        buffer.writeProtocolStringMap(["k": "v", "a": "b"])
        buffer.writeProtocolStringMultimap(["CQL_VERSION": ["3.4.5"], "COMPRESSION": []])
        buffer.writeProtocolBytesMap(["x": [1], "y": nil])
        var reader = ProtocolReader(buffer)
        #expect(try reader.readShort() == 65535)
        #expect(try reader.readInt() == -5)
        #expect(try reader.readLong() == Int64.min)
        #expect(try reader.readString() == "héllo")
        #expect(try reader.readLongString() == "long ✓")
        #expect(try reader.readUUID() == ProtocolUUID(high: 1, low: 2))
        #expect(try reader.readStringList() == ["a", "", "c"])
        #expect(try reader.readBytes() == nil)
        #expect(try reader.readBytes() == [1, 2])
        #expect(try reader.readValue() == .notSet)
        #expect(try reader.readValue() == .null)
        #expect(try reader.readValue() == .bytes([]))
        #expect(try reader.readShortBytes() == [9])
        #expect(try reader.readInet() == ProtocolInet(addressBytes: [127, 0, 0, 1], port: 9042))
        #expect(try reader.readInet().addressBytes.count == 16)
        #expect(try reader.readConsistency() == .localQuorum)
        #expect(try reader.readStringMap() == ["k": "v", "a": "b"])
        #expect(try reader.readStringMultimap() == ["CQL_VERSION": ["3.4.5"], "COMPRESSION": []])
        let expectedMap: [String: [UInt8]?] = ["x": [1], "y": nil]
        #expect(try reader.readBytesMap() == expectedMap)
        try reader.expectEnd()
    }

    @Test func stringOverrunningTheBodyIsTruncated() {
        var reader = ProtocolReader(bytes: [0x00, 0x10, 0x41])
        #expect(protocolErrorThrown { try reader.readString() } == .truncated(neededBytes: 16, remainingBytes: 1))
    }

    @Test func hugeLongStringIsRefusedWithoutAllocating() {
        var reader = ProtocolReader(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0x41])
        #expect(protocolErrorThrown { try reader.readLongString() } == .truncated(neededBytes: Int(Int32.max), remainingBytes: 1))
    }

    @Test func negativeLongStringLengthIsAnError() {
        var reader = ProtocolReader(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        #expect(protocolErrorThrown { try reader.readLongString() } == .negativeLength(-2))
    }

    @Test func invalidUTF8IsAnError() {
        var reader = ProtocolReader(bytes: [0x00, 0x02, 0xC3, 0x28])
        #expect(protocolErrorThrown { try reader.readString() } == .invalidUTF8)
        var overlong = ProtocolReader(bytes: [0x00, 0x02, 0xC0, 0x80])
        #expect(protocolErrorThrown { try overlong.readString() } == .invalidUTF8)
    }

    @Test func valueLengthBelowMinusTwoIsInvalid() {
        var reader = ProtocolReader(bytes: [0xFF, 0xFF, 0xFF, 0xFD])
        #expect(protocolErrorThrown { try reader.readValue() } == .invalidValueLength(-3))
    }

    @Test func listCountLargerThanBodyIsRefused() {
        var reader = ProtocolReader(bytes: [0xFF, 0xFF, 0x00, 0x00])
        #expect(protocolErrorThrown { try reader.readStringList() } == .truncated(neededBytes: 131070, remainingBytes: 2))
    }

    @Test func badInetSizeAndConsistency() {
        var inet = ProtocolReader(bytes: [5, 1, 2, 3, 4, 5, 0, 0, 0, 1])
        #expect(protocolErrorThrown { try inet.readInet() } == .invalidInetSize(5))
        var consistency = ProtocolReader(bytes: [0x00, 0x0B])
        #expect(protocolErrorThrown { try consistency.readConsistency() } == .unknownConsistency(11))
    }

    @Test func typeOptionsRoundTrip() throws {
        let udt = DataTypeOption.userDefined(keyspace: "ks", name: "address", fields: [
            .init(name: "street", type: .varchar), .init(name: "zip", type: .int),
        ])
        let types: [DataTypeOption] = [
            .custom("org.apache.cassandra.db.marshal.DurationType"), .ascii, .bigint, .blob, .boolean,
            .counter, .decimal, .double, .float, .int, .timestamp, .uuid, .varchar, .varint, .timeuuid,
            .inet, .date, .time, .smallint, .tinyint, .list(.int), .set(.varchar),
            .map(key: .varchar, value: .list(.bigint)), .tuple([.int, .varchar, udt]), udt,
        ]
        for type in types {
            var buffer = ByteBuffer()
            type.write(into: &buffer)
            var reader = ProtocolReader(buffer)
            #expect(try DataTypeOption.read(from: &reader) == type)
            try reader.expectEnd()
        }
    }

    @Test func legacyVarcharIDDecodesAsVarchar() throws {
        var reader = ProtocolReader(bytes: [0x00, 0x0A])
        #expect(try DataTypeOption.read(from: &reader) == .varchar)
    }

    @Test func deeplyNestedTypesAreRefused() {
        var bytes: [UInt8] = []
        for _ in 0..<100 { bytes += [0x00, 0x20] }
        bytes += [0x00, 0x09]
        var reader = ProtocolReader(bytes: bytes)
        #expect(protocolErrorThrown { try DataTypeOption.read(from: &reader) } == .typeNestingTooDeep)
    }

    @Test func unknownTypeIDIsAnError() {
        var reader = ProtocolReader(bytes: [0x00, 0x15])
        #expect(protocolErrorThrown { try DataTypeOption.read(from: &reader) } == .unknownTypeID(0x15))
    }
}

@Suite struct ProtocolWriterTests {
    @Test func overlongStringIsCutAtACharacterBoundary() throws {
        let text = "a" + String(repeating: "é", count: 40_000)  // 80 001 UTF-8 bytes
        var buffer = ByteBuffer()
        buffer.writeProtocolString(text)
        var reader = ProtocolReader(buffer)
        let decoded = try reader.readString()
        #expect(decoded.utf8.count == 65_535)
        #expect(text.hasPrefix(decoded))
    }
}
